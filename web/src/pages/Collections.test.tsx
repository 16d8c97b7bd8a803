/** The collections screen against a scripted API: chunking checks, live job progress, rebuilds, search. */
import { describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { controlledStream, json, mockFetch, problem } from "../test/helpers";
import { Collections } from "./Collections";

const PERMISSIONS = ["content:read", "content:write", "content:publish", "models:use"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00";
const models = { items: [{ name: "all-minilm:latest", size: 1, family: "bert", parameter_size: "23M", quantization_level: "F16", modified_at: at }], total: 1 };
const collection = {
  id: "c1", name: "Handbooks", description: "", embedding_model: "all-minilm:latest", distance: "cosine", backend: "builtin",
  chunking: { strategy: "characters", size: 200, overlap: 20 }, visibility: "org", project_id: null, dimensions: 384,
  generation: 1, state: "indexing", documents: 2, indexed: 1, failed: 0, organization_id: "o", owner_id: "u1", created_at: at, updated_at: at,
  rebuild: { generation: 2, embedding_model: "all-minilm:latest", chunking: { strategy: "characters", size: 300, overlap: 20 }, indexed: 1, documents: 2 },
};
const member = (state: string, done: number, total: number) => ({
  document_id: "d1", title: "Handbook", job_id: "j1", state, done, total, error: null, added_at: at,
});
const job = (state: string, done: number, total: number) =>
  `event: ${state === "done" ? "done" : "progress"}\ndata: ${JSON.stringify({ id: "j1", collection_id: "c1", document_id: "d1", generation: 1, attempts: 1, state, done, total, created_at: at, updated_at: at })}\n\n`;
const empty = { items: [], total: 0 };

describe("Collections", () => {
  it("checks the overlap against the size before sending, and shows the server's 422 beside its field", async () => {
    const calls = mockFetch((url, init) => {
      if (url === "/api/v1/collections" && init.method === "POST") {
        return problem(422, "invalid", [{ field: "embedding_model", message: "is not granted to you" }]);
      }
      if (url === "/api/v1/models") return json(models);
      if (url.startsWith("/api/v1/models/")) return json({ capabilities: ["embedding"] });
      return json(empty);
    });
    render(<ConfirmProvider><Collections /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: "New collection" }));
    const editor = screen.getByRole("region", { name: "New collection" });
    fireEvent.change(within(editor).getByLabelText("Collection name"), { target: { value: "Handbooks" } });
    await within(editor).findByRole("option", { name: "all-minilm:latest" });
    fireEvent.change(within(editor).getByLabelText("Chunk size"), { target: { value: "200" } });
    fireEvent.change(within(editor).getByLabelText("Overlap"), { target: { value: "100" } });
    expect(within(editor).getByText("Must be less than half of the size (under 100).")).toBeTruthy();
    expect((within(editor).getByRole("button", { name: "Create collection" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(within(editor).getByLabelText("Overlap"), { target: { value: "20" } });
    fireEvent.click(within(editor).getByRole("button", { name: "Create collection" }));
    await within(editor).findByText("Is not granted to you.");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "Handbooks", description: "", visibility: "private", project_id: null, embedding_model: "all-minilm:latest",
      distance: "cosine", backend: "builtin", chunking: { strategy: "characters", size: 200, overlap: 20 },
    });
  });

  it("follows a member's job live, shows the rebuild, and searches with scores and positions", async () => {
    const stream = controlledStream();
    let memberState = member("queued", 0, 0);
    const calls = mockFetch((url, init) => {
      if (url.startsWith("/api/v1/collections?")) return json({ items: [collection], total: 1 });
      if (url === "/api/v1/collections/c1") return json(collection);
      if (url.startsWith("/api/v1/collections/c1/documents")) return json({ items: [memberState], total: 1 });
      if (url === "/api/v1/jobs/j1/events") return stream.response;
      if (url === "/api/v1/collections/c1/search" && init.method === "POST") {
        return json({
          collection_id: "c1", generation: 1, mode: "hybrid", state: "indexing", pending_documents: 1,
          results: [{ chunk_id: "k1", document_id: "d1", document_title: "Handbook", text: "Install with rustup.", score: 0.82, vector_score: 0.82, lexical_score: 0.5, position: { start: 12, end: 32, page: 3, heading_path: ["Setup", "Install"] } }],
        });
      }
      if (url === "/api/v1/models") return json(models);
      return json(empty);
    });
    render(<ConfirmProvider><Collections /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: /Handbooks/ }));
    await screen.findByText(/Rebuilding the index \(generation 2\) with all-minilm:latest, characters chunks of 300 sharing 20: 1 of 2 documents indexed/);
    expect(screen.getByRole("progressbar", { name: "Rebuild progress" })).toBeTruthy();

    const members = await screen.findByRole("table", { name: "Collection documents" });
    await within(members).findByText("queued");
    await waitFor(() => expect(calls.some((c) => c.url === "/api/v1/jobs/j1/events")).toBe(true));
    act(() => stream.push(job("running", 2, 4)));
    await within(members).findByText("running: 2 of 4 chunks");
    memberState = member("done", 4, 4);
    act(() => stream.push(job("done", 4, 4)));
    await within(members).findByText("done: 4 chunks");

    const playground = screen.getByRole("region", { name: "Search playground" });
    fireEvent.change(within(playground).getByLabelText("Query"), { target: { value: "rustup" } });
    fireEvent.change(within(playground).getByLabelText("Only tags"), { target: { value: "Setup, rust" } });
    fireEvent.click(within(playground).getByRole("button", { name: "Search" }));
    const result = await within(playground).findByRole("listitem", { name: "Result 1: Handbook" });
    expect(within(result).getByText("score 0.820")).toBeTruthy();
    expect(within(result).getByText("vector 0.820 · lexical 0.500")).toBeTruthy();
    expect(within(result).getByText("page 3 · Setup › Install")).toBeTruthy();
    expect(within(playground).getByText("1 document is still being indexed and was not searched.")).toBeTruthy();
    expect(calls.find((c) => c.url.endsWith("/search"))?.body).toEqual({
      query: "rustup", mode: "hybrid", top_k: 5, min_score: null, filter: { tags: ["setup", "rust"] },
    });
    fireEvent.click(within(result).getByRole("button", { name: "Open in document" }));
    await waitFor(() => expect(window.location.pathname).toBe("/documents"));
    const params = new URLSearchParams(window.location.search);
    expect([params.get("id"), params.get("start"), params.get("end")]).toEqual(["d1", "12", "32"]);
  });
});
