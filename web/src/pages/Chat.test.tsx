import { ConfirmProvider } from "../components/ConfirmDialog";
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Chat } from "./Chat";
import { controlledStream, json, mockFetch, problem } from "../test/helpers";

const models = {
  items: [
    { name: "llama3.2:latest", size: 1, family: "llama", parameter_size: "3B", quantization_level: "Q4", modified_at: "2026-01-01T00:00:00" },
  ],
  total: 1,
};

function setup() {
  let stream: ReturnType<typeof controlledStream> | null = null;
  const calls = mockFetch((url, init) => {
    if (url.startsWith("/api/v1/models")) return json(models);
    if (url.startsWith("/api/v1/conversations")) return json({ items: [], total: 0 });
    if (url === "/api/v1/chat") {
      stream = controlledStream(init.signal);
      return stream.response;
    }
    return problem(404, "no route");
  });
  render(<ConfirmProvider><Chat /></ConfirmProvider>);
  return { calls, stream: () => stream! };
}

async function send(text: string) {
  await screen.findByRole("option", { name: "llama3.2:latest" });
  fireEvent.change(screen.getByLabelText("Message"), { target: { value: text } });
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
}

const messages = () => screen.getByRole("list", { name: "Messages" });

describe("Chat", () => {
  it("renders the reply as it streams, then as markdown, and sends only the new message", async () => {
    const { calls, stream } = setup();
    await send("Say hello");
    await waitFor(() => expect(stream()).not.toBeNull());
    stream().push('event: start\ndata: {"conversation_id":"c1","message_id":"m1"}\n\n');
    stream().push('event: delta\ndata: {"content":"Hello"}\n\nevent: del');
    await within(messages()).findByText("Hello");
    // Still streaming: Stop is offered instead of Send.
    expect(screen.getByRole("button", { name: "Stop" })).toBeTruthy();

    stream().push('ta\ndata: {"content":" **world**"}\n\n');
    const strong = await within(messages()).findByText("world");
    expect(strong.tagName).toBe("STRONG");
    const reply = messages().querySelector('[data-role="assistant"] .markdown');
    expect(reply?.textContent?.trim()).toBe("Hello world");

    stream().push('event: done\ndata: {"conversation_id":"c1","message_id":"m1","usage":{"completion_tokens":2},"timings":{"total_ms":1500}}\n\n');
    stream().close();
    await screen.findByText("2 tokens · 1.5 s");
    expect(screen.getByRole("button", { name: "Send" })).toBeTruthy();

    const chat = calls.find((c) => c.url === "/api/v1/chat");
    expect(chat?.body).toEqual({
      model: "llama3.2:latest",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
    });

    // The next turn continues the conversation the server started.
    await send("Again");
    await waitFor(() => expect(calls.filter((c) => c.url === "/api/v1/chat")).toHaveLength(2));
    expect(calls.filter((c) => c.url === "/api/v1/chat")[1].body).toMatchObject({
      conversation_id: "c1",
      messages: [{ role: "user", content: "Again" }],
    });
  });

  it("Stop aborts the stream and keeps the partial reply marked incomplete", async () => {
    const { stream } = setup();
    await send("Tell me a story");
    await waitFor(() => expect(stream()).not.toBeNull());
    stream().push('event: delta\ndata: {"content":"Once upon"}\n\n');
    await within(messages()).findByText("Once upon");
    fireEvent.click(screen.getByRole("button", { name: "Stop" }));
    await screen.findByText("(incomplete)");
    expect(messages().querySelector('[data-role="assistant"] .markdown')?.textContent?.trim()).toBe("Once upon");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the detail of an error event", async () => {
    const { stream } = setup();
    await send("Hi");
    await waitFor(() => expect(stream()).not.toBeNull());
    stream().push('event: error\ndata: {"status":503,"detail":"Ollama is not reachable"}\n\n');
    expect((await screen.findByRole("alert")).textContent).toBe("Ollama is not reachable.");
  });

  it("offers a text field with a notice when models cannot be listed", async () => {
    mockFetch((url) =>
      url.startsWith("/api/v1/models") ? problem(503, "Ollama is not reachable") : json({ items: [], total: 0 }),
    );
    render(<ConfirmProvider><Chat /></ConfirmProvider>);
    const notice = await screen.findByText(/Models could not be listed \(Ollama is not reachable\.\)/);
    expect(notice).toBeTruthy();
    expect((screen.getByLabelText("Model") as HTMLElement).tagName).toBe("INPUT");
  });
});
