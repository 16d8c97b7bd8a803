/** The agent form's knowledge: RAG systems and collections to pick, sent as `knowledge`. */
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { json, mockFetch } from "../test/helpers";
import { Agents } from "./Agents";

const PERMISSIONS = ["content:read", "content:write", "models:use"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00Z";
const agent = {
  id: "a1", name: "Guide", slug: "guide", model: "llama3.2:latest", active: true, visibility: "private", description: "",
  tool_ids: [], options: {}, knowledge: ["gone"], prompt_variables: {}, system_prompt: "Help.", created_at: at, updated_at: at,
};

describe("Agents' knowledge", () => {
  it("offers RAG systems and collections, keeps an id no longer visible removable, and sends the choice", async () => {
    const calls = mockFetch((url, init) => {
      if (url === "/api/v1/agents/a1" && init.method === "PATCH") return json({ ...agent, ...JSON.parse(String(init.body)) });
      if (url.startsWith("/api/v1/agents?")) return json({ items: [agent], total: 1 });
      if (url.startsWith("/api/v1/rag-systems?")) return json({ items: [{ id: "r1", name: "HR desk", chat_model: "llama3.2:latest" }], total: 1 });
      if (url.startsWith("/api/v1/collections?")) return json({ items: [{ id: "c1", name: "Handbook", embedding_model: "all-minilm:latest" }], total: 1 });
      return json({ items: [], total: 0 });
    });
    render(<ConfirmProvider><Agents /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: /Guide/ }));
    const knowledge = await screen.findByRole("group", { name: "Knowledge" });
    fireEvent.click(await within(knowledge).findByLabelText(/HR desk/));
    fireEvent.click(within(within(knowledge).getByRole("group", { name: "Collections" })).getByLabelText(/Handbook/));
    fireEvent.click(within(knowledge).getByLabelText(/gone/));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    expect((calls.find((c) => c.method === "PATCH")!.body as { knowledge: string[] }).knowledge).toEqual(["r1", "c1"]);
  });
});
