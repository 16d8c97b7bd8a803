import { describe, expect, it } from "vitest";
import { formProblems, ragBody, ragForm, templateProblem } from "./form";

describe("templateProblem", () => {
  it("wants both placeholders and names the missing ones", () => {
    expect(templateProblem("Sources: {{context}}\nQ: {{question}}")).toBeNull();
    expect(templateProblem("Sources: {{context}}")).toBe("Must contain {{question}}.");
    expect(templateProblem("Answer this")).toBe("Must contain {{context}} and {{question}}.");
    // Spelling counts, as on the server.
    expect(templateProblem("{{ context }} {{question}}")).toBe("Must contain {{context}}.");
  });

  it("lets an empty template through only where the server's default applies", () => {
    expect(templateProblem("  ", true)).toBeNull();
    expect(templateProblem("  ")).toBe("Must contain {{context}} and {{question}}.");
  });
});

describe("the RAG system form", () => {
  const filled = { ...ragForm(null), name: " HR desk ", collectionIds: ["c1"], chatModel: "llama3.2:latest" };

  it("sends no template on create when left empty, and an empty floor as null", () => {
    expect(formProblems(filled, true)).toEqual({});
    expect(ragBody(filled, true)).toEqual({
      name: "HR desk", description: "", collection_ids: ["c1"], chat_model: "llama3.2:latest",
      top_k: 5, min_score: null, mode: "hybrid", visibility: "private", project_id: null,
    });
  });

  it("names each fault by its API field", () => {
    const bad = { ...filled, collectionIds: [], topK: "0", minScore: "high", template: "no placeholders" };
    expect(Object.keys(formProblems(bad, true)).sort()).toEqual(["collection_ids", "min_score", "prompt_template", "top_k"]);
    expect(formProblems({ ...filled, topK: "51" }, false).top_k).toBe("Must be a whole number from 1 to 50.");
  });

  it("round-trips a stored system, template and floor included", () => {
    const stored = {
      id: "r1", name: "HR", description: "d", collection_ids: ["c1", "c2"], chat_model: "m", prompt_template: "{{context}} {{question}}",
      top_k: 8, min_score: 0.25, mode: "vector", visibility: "org" as const, project_id: null, organization_id: "o", owner_id: "u",
      created_at: "", updated_at: "",
    };
    const body = ragBody(ragForm(stored), false);
    expect(body).toMatchObject({ prompt_template: "{{context}} {{question}}", top_k: 8, min_score: 0.25, mode: "vector", visibility: "org" });
  });
});
