import { describe, expect, it } from "vitest";
import type { Agent, Prompt } from "../api/types";
import { agentBody, agentForm, optionsPayload, promptStartValues, slugify } from "./agents";

const stored = (over: Partial<Agent> = {}): Agent => ({
  id: "a1", name: "City guide", slug: "city-guide", description: "Tips", model: "llama3.2:latest",
  system_prompt: null, prompt_id: "p1", prompt_variables: { city: "Paris", short: true },
  tool_ids: ["t1"], options: { temperature: 0.3, stop: ["END"] }, knowledge: [], visibility: "org",
  project_id: null, active: false, organization_id: "o", owner_id: "u",
  created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
  ...over,
} as Agent);

const prompt = {
  variables: [
    { name: "city", type: "text", required: true },
    { name: "days", type: "number", required: false },
    { name: "short", type: "boolean", required: false },
  ],
} as unknown as Pick<Prompt, "variables">;

describe("agent form", () => {
  it("makes a slug from a name", () => {
    expect(slugify("  City Guide: Café Edition! ")).toBe("city-guide-cafe-edition");
    expect(slugify("x".repeat(60)).length).toBe(48);
  });

  it("sends a text system prompt with no prompt, and the filled options as numbers", () => {
    const form = { ...agentForm(null), name: " Helper ", slug: "helper", model: "llama3.2:latest", systemPrompt: "Be brief." };
    form.options = { ...form.options, temperature: "0.3", num_predict: "-1", top_k: "" };
    form.stop = ["END", ""];
    form.toolIds = ["t1"];
    const body = agentBody(form, null);
    expect(body).toEqual({
      name: "Helper", slug: "helper", description: "", model: "llama3.2:latest",
      system_prompt: "Be brief.", prompt_id: null, prompt_variables: {},
      tool_ids: ["t1"], options: { temperature: 0.3, num_predict: -1, stop: ["END"] },
      knowledge: [], visibility: "private", project_id: null, active: true,
    });
  });

  it("sends a prompt with its typed variables and no system prompt text", () => {
    const form = { ...agentForm(null), source: "prompt" as const, systemPrompt: "left over", promptId: "p1" };
    form.promptValues = { city: " Paris ", days: "3", short: true };
    const body = agentBody(form, prompt);
    expect(body.system_prompt).toBeNull();
    expect(body.prompt_id).toBe("p1");
    expect(body.prompt_variables).toEqual({ city: "Paris", days: 3, short: true });
  });

  it("sends an empty text as null and a typo in a number as is, for the server to name", () => {
    const form = agentForm(null);
    form.options = { ...form.options, temperature: "abc" };
    expect(agentBody(form).system_prompt).toBeNull();
    expect(optionsPayload(form)).toEqual({ temperature: "abc" });
  });

  it("fills the form from a stored agent and back", () => {
    const form = agentForm(stored());
    expect(form.source).toBe("prompt");
    expect(form.options.temperature).toBe("0.3");
    expect(form.stop).toEqual(["END"]);
    expect(form.promptValues).toEqual({ city: "Paris", short: true });
    expect(form.active).toBe(false);
    const body = agentBody(form, prompt);
    expect(body.options).toEqual({ temperature: 0.3, stop: ["END"] });
    expect(body.visibility).toBe("org");
    expect(agentForm(stored({ prompt_id: null, system_prompt: "Hi" })).source).toBe("text");
  });

  it("keeps typed values when another prompt is chosen, defaults for the rest", () => {
    expect(promptStartValues(prompt, { city: "Rome", other: "x" })).toEqual({ city: "Rome", days: "", short: false });
  });
});
