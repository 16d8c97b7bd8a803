/** The RAG systems screen against a scripted API: the form's checks and 422s, then an ask with sources. */
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { controlledStream, json, mockFetch, problem } from "../test/helpers";
import { RagSystems } from "./RagSystems";

const PERMISSIONS = ["content:read", "content:write", "content:publish", "models:use"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00Z";
const models = {
  items: [{ name: "llama3.2:latest", size: 1, family: "llama", parameter_size: "3B", quantization_level: "Q4", modified_at: at }],
  total: 1,
};
const collections = {
  items: [{ id: "c1", name: "Handbook", embedding_model: "all-minilm:latest", state: "ready", documents: 1, indexed: 1, failed: 0 }],
  total: 1,
};
const system = {
  id: "r1", name: "HR desk", description: "", collection_ids: ["c1"], chat_model: "llama3.2:latest", mode: "hybrid", top_k: 5,
  min_score: null, prompt_template: "{{context}}\n{{question}}", visibility: "org", project_id: null, created_at: at, updated_at: at,
};
// Non-ASCII before and inside the chunk: byte offsets differ from string indices.
const documentText = "Café rules ☕\n\nÜber leave: ten days a year.\nOther things.";
const bytes = (s: string) => new TextEncoder().encode(s).length;
const chunk = "Über leave: ten days a year.";
const start = bytes(documentText.slice(0, documentText.indexOf(chunk)));
const citation = {
  n: 1, collection_id: "c1", chunk_id: "k1", document_id: "d1", document_title: "handbook.md", text: chunk, score: 0.8123,
  position: { heading_path: ["Leave", "Days"], start, end: start + bytes(chunk) }, cited: true,
};
const other = { ...citation, n: 2, chunk_id: "k2", document_title: "faq.md", score: 0.4, cited: false, position: { page: 3, start: 0, end: 4 } };

function setup(onCreate?: (body: unknown) => Response) {
  let stream: ReturnType<typeof controlledStream> | null = null;
  const calls = mockFetch((url, init) => {
    if (url === "/api/v1/rag-systems" && init.method === "POST") return onCreate!(JSON.parse(String(init.body)));
    if (url.startsWith("/api/v1/rag-systems?")) return json({ items: [system], total: 1 });
    if (url === "/api/v1/rag-systems/r1/query") {
      stream = controlledStream(init.signal);
      return stream.response;
    }
    if (url.startsWith("/api/v1/collections?")) return json(collections);
    if (url === "/api/v1/documents/d1/text") return json({ document_id: "d1", text: documentText, sections: [] });
    if (url.startsWith("/api/v1/models")) return json(models);
    return json({ items: [], total: 0 });
  });
  render(<ConfirmProvider><RagSystems /></ConfirmProvider>);
  return { calls, stream: () => stream! };
}

describe("RAG systems", () => {
  it("checks the template as it is typed, sends the form, and shows the server's 422 beside its field", async () => {
    const { calls } = setup(() => problem(422, "the RAG system is not valid", [{ field: "prompt_template", message: "must be 1 to 8000 characters" }]));
    fireEvent.click(await screen.findByRole("button", { name: "New RAG system" }));
    fireEvent.change(screen.getByLabelText("RAG system name"), { target: { value: "Leave desk" } });
    fireEvent.click(await screen.findByLabelText(/Handbook/));
    await screen.findByRole("option", { name: "llama3.2:latest" });
    const template = screen.getByLabelText("Prompt template");
    fireEvent.change(template, { target: { value: "Sources: {{context}}" } });
    expect(screen.getByText("Must contain {{question}}.")).toBeTruthy();
    expect(template.getAttribute("aria-invalid")).toBe("true");
    // Sending is held back while the form has faults of its own.
    fireEvent.click(screen.getByRole("button", { name: "Create RAG system" }));
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    fireEvent.change(template, { target: { value: "Sources: {{context}}\nQuestion: {{question}}" } });
    expect(screen.queryByText(/Must contain/)).toBeNull();
    fireEvent.change(screen.getByLabelText("Retrieval mode"), { target: { value: "vector" } });
    fireEvent.change(screen.getByLabelText("Minimum score"), { target: { value: "0.3" } });
    fireEvent.click(screen.getByRole("button", { name: "Create RAG system" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(calls.find((c) => c.method === "POST")!.body).toMatchObject({
      name: "Leave desk", collection_ids: ["c1"], chat_model: "llama3.2:latest", mode: "vector", min_score: 0.3, top_k: 5,
      prompt_template: "Sources: {{context}}\nQuestion: {{question}}",
    });
    await screen.findByText("Must be 1 to 8000 characters.");
    expect(screen.queryByText("The RAG system is not valid")).toBeNull();
  });

  it("streams an answer, lists its sources, links [n] to them and opens the cited chunk in its document", async () => {
    const { calls, stream } = setup();
    fireEvent.click(await screen.findByRole("button", { name: /HR desk/ }));
    fireEvent.change(await screen.findByLabelText("Question"), { target: { value: "How many days off?" } });
    fireEvent.click(screen.getByRole("button", { name: "Ask" }));
    await waitFor(() => expect(stream()).not.toBeNull());
    expect(calls.find((c) => c.url.endsWith("/query"))!.body).toEqual({ question: "How many days off?", stream: true });
    stream().push('event: start\ndata: {"conversation_id":"conv1","message_id":"m1"}\n\nevent: delta\ndata: {"content":"Ten days"}\n\n');
    const answer = await screen.findByRole("region", { name: "Answer" });
    await within(answer).findByText("Ten days");
    stream().push('event: delta\ndata: {"content":" a year [1]."}\n\n');
    stream().push(`event: citations\ndata: ${JSON.stringify({ citations: [citation, other] })}\n\nevent: done\ndata: {}\n\n`);
    stream().close();

    const sources = await within(answer).findByRole("list", { name: "Sources" });
    const items = within(sources).getAllByRole("listitem");
    expect(items[0].textContent).toContain("handbook.md › Leave › Days");
    expect(items[0].textContent).toContain("score 0.812");
    expect(items[0].className).toContain("cited");
    expect(items[1].textContent).toContain("page 3");
    expect(items[1].className).not.toContain("cited");
    expect(within(answer).getByRole("link", { name: "open it in the chat" }).getAttribute("href")).toBe("/chat?conversation=conv1");

    fireEvent.click(within(answer).getByRole("button", { name: "Source 1" }));
    expect(items[0].className).toContain("highlighted");
    expect(document.activeElement).toBe(items[0]);

    fireEvent.click(within(items[0]).getByRole("button", { name: "Open handbook.md, source 1" }));
    const viewer = await screen.findByRole("region", { name: "Document handbook.md" });
    const mark = await within(viewer).findByTestId("cited-chunk");
    expect(mark.textContent).toBe(chunk);
    expect(within(viewer).getByLabelText("Document text").textContent).toBe(documentText);
  });
});
