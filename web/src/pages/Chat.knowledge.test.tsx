/** Chat grounded in knowledge: the `citations` event renders as numbered sources under the reply. */
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { controlledStream, json, mockFetch, problem } from "../test/helpers";
import { Chat } from "./Chat";

const at = "2026-01-01T00:00:00Z";
const models = {
  items: [{ name: "llama3.2:latest", size: 1, family: "llama", parameter_size: "3B", quantization_level: "Q4", modified_at: at }],
  total: 1,
};
const source = {
  n: 1, collection_id: "c1", chunk_id: "k1", document_id: "d1", document_title: "handbook.md", text: "Ten days a year.",
  score: 0.7, position: { heading_path: ["Leave"], start: 0, end: 16 }, cited: false,
};
const stored = {
  items: [
    { id: "1", role: "user", content: "Days off?", metadata: {}, incomplete: false, created_at: at },
    { id: "2", role: "assistant", content: "Ten days [1].", model: "llama3.2:latest", incomplete: false, created_at: at,
      metadata: { rag_system_id: "r1", sources: [source] } },
  ],
  total: 2,
};

function setup() {
  let stream: ReturnType<typeof controlledStream> | null = null;
  mockFetch((url, init) => {
    if (url.startsWith("/api/v1/models")) return json(models);
    if (url.startsWith("/api/v1/agents?")) return json({ items: [], total: 0 });
    if (url.startsWith("/api/v1/conversations/conv1/messages")) return json(stored);
    if (url === "/api/v1/conversations/conv1") return json({ id: "conv1", title: "Days off?", agent_id: null, created_at: at, updated_at: at });
    if (url.startsWith("/api/v1/conversations")) return json({ items: [], total: 0 });
    if (url === "/api/v1/chat") {
      stream = controlledStream(init.signal);
      return stream.response;
    }
    return problem(404, "no route");
  });
  render(<ConfirmProvider><Chat /></ConfirmProvider>);
  return { stream: () => stream! };
}

const messages = () => screen.getByRole("list", { name: "Messages" });

describe("Chat with knowledge", () => {
  it("shows the sources of a grounded reply, cited ones marked, with [n] linked", async () => {
    const { stream } = setup();
    await screen.findByRole("option", { name: "llama3.2:latest" });
    fireEvent.change(screen.getByLabelText("Message"), { target: { value: "Days off?" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(stream()).not.toBeNull());
    stream().push('event: start\ndata: {"conversation_id":"c2","message_id":"m2"}\n\nevent: delta\ndata: {"content":"Ten days [1]."}\n\n');
    stream().push(`event: citations\ndata: ${JSON.stringify({ citations: [{ ...source, cited: true }] })}\n\nevent: done\ndata: {}\n\n`);
    stream().close();
    const reply = messages().querySelector('[data-role="assistant"]') as HTMLElement;
    const sources = await within(reply).findByRole("list", { name: "Sources" });
    expect(sources.textContent).toContain("handbook.md › Leave");
    expect(within(sources).getByRole("listitem").className).toContain("cited");
    fireEvent.click(within(reply).getByRole("button", { name: "Source 1" }));
    expect(within(sources).getByRole("listitem").className).toContain("highlighted");
  });

  it("opens the conversation named in the address with the sources kept with the reply", async () => {
    window.history.replaceState(null, "", "/chat?conversation=conv1");
    try {
      setup();
      const sources = await within(messages()).findByRole("list", { name: "Sources" });
      // Stored sources are marked against the stored answer, which names [1].
      expect(within(sources).getByRole("listitem").className).toContain("cited");
      expect(within(messages()).getByRole("button", { name: "Source 1" })).toBeTruthy();
    } finally {
      window.history.replaceState(null, "", "/");
    }
  });
});
