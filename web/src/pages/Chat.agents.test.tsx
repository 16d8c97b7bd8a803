import { ConfirmProvider } from "../components/ConfirmDialog";
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Chat } from "./Chat";
import { controlledStream, json, mockFetch, problem } from "../test/helpers";

const models = {
  items: [
    { name: "llama3.2:latest", size: 1, family: "llama", parameter_size: "3B", quantization_level: "Q4", modified_at: "2026-01-01T00:00:00" },
    { name: "qwen3:latest", size: 1, family: "qwen", parameter_size: "3B", quantization_level: "Q4", modified_at: "2026-01-01T00:00:00" },
  ],
  total: 2,
};
const agent = {
  id: "a1", name: "Weather guide", slug: "weather", model: "qwen3:latest", active: true, visibility: "org",
  description: "", tool_ids: ["t1"], options: {}, knowledge: [], prompt_variables: {},
};
const conversations = {
  items: [{ id: "c9", title: "Earlier", agent_id: "a1", model: "qwen3:latest", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" }],
  total: 1,
};
const stored = {
  items: [
    { id: "1", role: "user", content: "Rome", metadata: {}, incomplete: false, created_at: "2026-01-01T00:00:00Z" },
    { id: "2", role: "assistant", content: "", model: "qwen3:latest", incomplete: false, created_at: "2026-01-01T00:00:00Z",
      metadata: { tool_calls: [{ id: "call_0", function: { name: "get_weather", arguments: { city: "Rome" } } }] } },
    { id: "3", role: "tool", content: "rainy", metadata: { tool_call_id: "call_0" }, incomplete: false, created_at: "2026-01-01T00:00:00Z" },
    { id: "4", role: "assistant", content: "Take an umbrella.", model: "qwen3:latest", metadata: {}, incomplete: false, created_at: "2026-01-01T00:00:00Z" },
  ],
  total: 4,
};

function setup() {
  let stream: ReturnType<typeof controlledStream> | null = null;
  const calls = mockFetch((url, init) => {
    if (url.startsWith("/api/v1/models")) return json(models);
    if (url.startsWith("/api/v1/agents?")) return json({ items: [agent], total: 1 });
    if (url.startsWith("/api/v1/conversations/c9/messages")) return json(stored);
    if (url === "/api/v1/conversations/c9") return json(conversations.items[0]);
    if (url.startsWith("/api/v1/conversations")) return json(conversations);
    if (url === "/api/v1/chat") {
      stream = controlledStream(init.signal);
      return stream.response;
    }
    return problem(404, "no route");
  });
  render(<ConfirmProvider><Chat /></ConfirmProvider>);
  return { calls, stream: () => stream!, reset: () => (stream = null) };
}

const messages = () => screen.getByRole("list", { name: "Messages" });
const chatBodies = (calls: ReturnType<typeof mockFetch>) => calls.filter((c) => c.url === "/api/v1/chat").map((c) => c.body);

describe("Chat with an agent", () => {
  it("sends agent_id without a model, shows a tool call and sends the typed result as a tool message", async () => {
    const { calls, stream, reset } = setup();
    await screen.findByRole("option", { name: "Weather guide" });
    fireEvent.change(screen.getByLabelText("Agent"), { target: { value: "a1" } });
    const picker = screen.getByLabelText("Model") as HTMLSelectElement;
    expect(picker.disabled).toBe(true);
    expect(picker.value).toBe("qwen3:latest");

    fireEvent.change(screen.getByLabelText("Message"), { target: { value: "Paris" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(stream()).not.toBeNull());
    expect(chatBodies(calls)[0]).toEqual({ agent_id: "a1", messages: [{ role: "user", content: "Paris" }], stream: true });
    stream().push('event: start\ndata: {"conversation_id":"c1","message_id":"m1"}\n\n');
    stream().push('event: tool_call\ndata: {"id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}\n\n');
    stream().push('event: done\ndata: {"done_reason":"stop"}\n\n');
    stream().close();

    const card = await within(messages()).findByRole("group", { name: "Tool call get_weather" });
    expect(card.querySelector("pre")?.textContent).toBe('{\n  "city": "Paris"\n}');
    reset();
    fireEvent.change(await within(card).findByLabelText("Tool result"), { target: { value: "sunny" } });
    fireEvent.click(within(card).getByRole("button", { name: "Send result" }));
    await waitFor(() => expect(stream()).not.toBeNull());
    expect(chatBodies(calls)[1]).toEqual({
      agent_id: "a1",
      conversation_id: "c1",
      messages: [{ role: "tool", content: "sunny", tool_call_id: "call_1" }],
      stream: true,
    });
    stream().push('event: delta\ndata: {"content":"It is sunny in Paris."}\n\n');
    stream().close();
    await within(messages()).findByText("It is sunny in Paris.");
    // Answered: the card shows the result instead of the form, and a tool-result line follows.
    expect(within(card).queryByLabelText("Tool result")).toBeNull();
    expect(messages().querySelector('[data-role="tool"]')?.textContent).toContain("sunny");
  });

  it("reopens a conversation with its agent and renders stored tool calls with their results", async () => {
    setup();
    fireEvent.click(await screen.findByRole("button", { name: "Earlier" }));
    const card = await within(messages()).findByRole("group", { name: "Tool call get_weather" });
    expect(within(card).getByText("rainy")).toBeTruthy();
    expect(within(card).queryByLabelText("Tool result")).toBeNull();
    await waitFor(() => expect((screen.getByLabelText("Agent") as HTMLSelectElement).value).toBe("a1"));
    expect((screen.getByLabelText("Model") as HTMLSelectElement).disabled).toBe(true);
    await within(messages()).findByText("Take an umbrella.");
  });
});
