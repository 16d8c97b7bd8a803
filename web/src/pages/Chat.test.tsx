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

const prompt = (id: string, command: string, name: string, variables: unknown[] = []) => ({
  id, command, name, content: "", variables, tags: [], visibility: "org", version: 1,
  organization_id: "o", owner_id: "u", created_at: "2026-01-01T00:00:00", updated_at: "2026-01-01T00:00:00",
});
const prompts = {
  items: [
    prompt("p1", "review", "Code review", [
      { name: "code", type: "textarea", required: true },
      { name: "strict", type: "boolean" },
    ]),
    prompt("p2", "rename", "Naming help"),
    prompt("p3", "summarize", "Summary"),
  ],
  total: 3,
};

function setup() {
  let stream: ReturnType<typeof controlledStream> | null = null;
  const calls = mockFetch((url, init) => {
    if (url.startsWith("/api/v1/models")) return json(models);
    if (url.startsWith("/api/v1/prompts?")) return json(prompts);
    if (url === "/api/v1/prompts/p1/render") return json({ text: "Review this: fn main() {}", version: 1 });
    if (url === "/api/v1/prompts/p2/render") return json({ text: "Suggest a better name.", version: 4 });
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

  it("/ opens the prompts by command; arrows move, Enter asks for the variables, the text lands in the composer", async () => {
    const { calls } = setup();
    await screen.findByRole("option", { name: "llama3.2:latest" });
    const composer = screen.getByLabelText("Message");
    fireEvent.change(composer, { target: { value: "/re" } });
    const list = await screen.findByRole("listbox", { name: "Prompts" });
    await within(list).findByText("Code review");
    expect(within(list).getAllByRole("option").map((o) => o.textContent)).toEqual(["/rename Naming help", "/review Code review"]);
    expect(composer.getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(composer, { key: "ArrowDown" });
    expect(composer.getAttribute("aria-activedescendant")).toBe("command-picker-1");
    expect(within(list).getAllByRole("option")[1].getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(composer, { key: "Enter" });

    const form = await screen.findByRole("form", { name: "/review Code review" });
    expect(screen.queryByRole("listbox")).toBeNull();
    // A required variable left empty is named before anything is sent.
    fireEvent.click(within(form).getByRole("button", { name: "Insert into message" }));
    expect((await within(form).findByRole("alert")).textContent).toBe("Fill in code first.");
    fireEvent.change(within(form).getByLabelText("code"), { target: { value: "fn main() {}" } });
    fireEvent.click(within(form).getByLabelText("strict"));
    fireEvent.click(within(form).getByRole("button", { name: "Insert into message" }));
    await waitFor(() => expect((composer as HTMLTextAreaElement).value).toBe("Review this: fn main() {}"));
    expect(calls.find((c) => c.url === "/api/v1/prompts/p1/render")?.body).toEqual({
      variables: { code: "fn main() {}", strict: true },
    });
    expect(screen.queryByRole("form", { name: "/review Code review" })).toBeNull();
    expect(calls.filter((c) => c.url.startsWith("/api/v1/prompts?"))).toHaveLength(1);
  });

  it("a prompt without variables is rendered straight into the composer; Escape closes the list", async () => {
    setup();
    await screen.findByRole("option", { name: "llama3.2:latest" });
    const composer = screen.getByLabelText("Message") as HTMLTextAreaElement;
    fireEvent.change(composer, { target: { value: "/" } });
    const list = await screen.findByRole("listbox", { name: "Prompts" });
    await within(list).findByText("Summary");
    fireEvent.keyDown(composer, { key: "Escape" });
    expect(screen.queryByRole("listbox")).toBeNull();
    fireEvent.change(composer, { target: { value: "/ren" } });
    fireEvent.mouseDown(await screen.findByRole("option", { name: "/rename Naming help" }));
    await waitFor(() => expect(composer.value).toBe("Suggest a better name."));
  });

  it("sends the rendered prompt with Send in the variables form", async () => {
    const { calls, stream } = setup();
    await screen.findByRole("option", { name: "llama3.2:latest" });
    fireEvent.change(screen.getByLabelText("Message"), { target: { value: "/review" } });
    fireEvent.mouseDown(await screen.findByRole("option", { name: "/review Code review" }));
    const form = await screen.findByRole("form", { name: "/review Code review" });
    fireEvent.change(within(form).getByLabelText("code"), { target: { value: "x" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send" }));
    await waitFor(() => expect(stream()).not.toBeNull());
    expect(calls.find((c) => c.url === "/api/v1/chat")?.body).toMatchObject({
      messages: [{ role: "user", content: "Review this: fn main() {}" }],
    });
    await within(messages()).findByText("Review this: fn main() {}");
  });
});
