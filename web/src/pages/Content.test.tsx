/** The content screens against a scripted API: stale saves, schema faults, deleting with content. */
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { json, mockFetch, problem } from "../test/helpers";
import { Projects } from "./Projects";
import { Prompts } from "./Prompts";
import { Tools } from "./Tools";

const PERMISSIONS = ["content:read", "content:write", "content:publish", "users:read", "models:use"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00";
const prompt = (version: number, content: string) => ({
  id: "p1", name: "Greeting", command: "greet", content, version, tags: ["demo"], visibility: "private",
  variables: [{ name: "who", type: "text", required: true }],
  organization_id: "o", owner_id: "u1", created_at: at, updated_at: `2026-01-01T00:00:0${version}`,
});
const empty = { items: [], total: 0 };

describe("Prompts", () => {
  it("a stale save keeps the text, loads the latest beside it, and saves on top of it", async () => {
    const calls = mockFetch((url, init) => {
      const method = init.method ?? "GET";
      if (url.startsWith("/api/v1/prompts?")) return json({ items: [prompt(1, "Hello {{who}}")], total: 1 });
      if (url === "/api/v1/prompts/p1" && method === "PATCH") {
        const body = JSON.parse(String(init.body)) as { base_version: number; content: string };
        if (body.base_version === 1) {
          return problem(409, "the prompt is at version 2, not 1; reload it and apply the change again", [
            { field: "base_version", message: "is not the current version" },
          ]);
        }
        return json(prompt(3, body.content));
      }
      if (url === "/api/v1/prompts/p1") return json(prompt(2, "Hi {{who}}"));
      if (url.startsWith("/api/v1/prompts/p1/versions?")) return json(empty);
      if (url.startsWith("/api/v1/models")) return json(empty);
      return json(empty);
    });
    render(<ConfirmProvider><Prompts /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: /Greeting/ }));
    const content = await screen.findByLabelText("Content");
    fireEvent.change(content, { target: { value: "Good morning {{who}}" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    const alert = await screen.findByText(/Someone saved a newer version of this prompt/);
    expect(alert).toBeTruthy();
    expect((screen.getByLabelText("Content") as HTMLTextAreaElement).value).toBe("Good morning {{who}}");
    fireEvent.click(screen.getByRole("button", { name: "Load the latest version and keep my text" }));
    const diff = await screen.findByRole("list", { name: "From version 2 to your text" });
    expect(within(diff).getAllByRole("listitem").map((li) => li.getAttribute("data-kind"))).toEqual(["removed", "added"]);
    expect((screen.getByLabelText("Content") as HTMLTextAreaElement).value).toBe("Good morning {{who}}");

    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved “Greeting” as version 3.");
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => (c.body as { base_version: number }).base_version)).toEqual([1, 2]);
    expect(patches[1].body).toMatchObject({ content: "Good morning {{who}}", variables: [{ name: "who", type: "text", required: true }] });
  });

  it("shows a server fault beside its field and filters by tag", async () => {
    const calls = mockFetch((url, init) => {
      if (init.method === "POST" && url === "/api/v1/prompts") {
        return problem(422, "content: uses {{x}}, which is not declared", [{ field: "content", message: "uses {{x}}, which is not declared" }]);
      }
      if (url.startsWith("/api/v1/prompts?")) return json({ items: [prompt(1, "Hello {{who}}")], total: 1 });
      return json(empty);
    });
    render(<ConfirmProvider><Prompts /></ConfirmProvider>);
    await screen.findByRole("option", { name: "demo" });
    fireEvent.change(screen.getByLabelText("Tag"), { target: { value: "demo" } });
    await waitFor(() => expect(calls.some((c) => c.url.includes("tag=demo"))).toBe(true));

    fireEvent.click(screen.getByRole("button", { name: "New prompt" }));
    fireEvent.change(await screen.findByLabelText("Prompt name"), { target: { value: "X" } });
    fireEvent.change(screen.getByLabelText("Command"), { target: { value: "x" } });
    fireEvent.change(screen.getByLabelText("Content"), { target: { value: "{{x}}" } });
    fireEvent.submit(screen.getByRole("button", { name: "Create prompt" }).closest("form")!);
    expect(await screen.findByText("Uses {{x}}, which is not declared.")).toBeTruthy();
    expect(screen.getByLabelText("Content").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("Tools", () => {
  it("shows JSON syntax errors at once and the server's schema faults with their path", async () => {
    const calls = mockFetch((_url, init) => {
      if (init.method === "POST") {
        return problem(422, "parameters.properties.city.type: \"strin\" is not a JSON Schema type", [
          { field: "parameters.properties.city.type", message: "\"strin\" is not a JSON Schema type" },
        ]);
      }
      return json(empty);
    });
    render(<ConfirmProvider><Tools /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: "New tool" }));
    fireEvent.change(screen.getByLabelText("Function name"), { target: { value: "get_weather" } });
    const schema = screen.getByLabelText("Parameters (JSON Schema)");
    fireEvent.change(schema, { target: { value: '{\n  "type": "object",\n}' } });
    expect(screen.getByTestId("json-error").textContent).toMatch(/^Line 3, column 1: /);
    expect((screen.getByRole("button", { name: "Create tool" }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(schema, { target: { value: '{"type": "object", "properties": {"city": {"type": "strin"}}}' } });
    expect(screen.queryByTestId("json-error")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Create tool" }));
    const faults = await screen.findByRole("list", { name: "Schema problems" });
    expect(faults.textContent).toBe("parameters.properties.city.type: \"strin\" is not a JSON Schema type.");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "strin" } } },
    });
  });
});

describe("Projects", () => {
  it("a delete refused for content offers deleting with it, confirmed again", async () => {
    const project = {
      id: "j1", name: "Rust workshop", description: "", created_at: at, updated_at: at,
      members: [{ user_id: "u1", role: "owner" }],
    };
    let gone = false;
    const calls = mockFetch((url, init) => {
      if (init.method === "DELETE") {
        if (url.endsWith("cascade=true")) {
          gone = true;
          return new Response(null, { status: 204 });
        }
        return problem(409, "the project still has 1 prompt(s) and 0 tool(s); delete them first or pass cascade=true");
      }
      if (url.startsWith("/api/v1/projects")) return json(gone ? empty : { items: [project], total: 1 });
      if (url.startsWith("/api/v1/users")) return json({ items: [], total: 0 });
      return json(empty);
    });
    render(<ConfirmProvider><Projects /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: /Rust workshop/ }));
    expect(screen.getByRole("cell", { name: "ines@example.com" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete project" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Delete project" }));
    const warning = await screen.findByText(/The project still has 1 prompt/);
    expect(warning).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete with its content" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete with its content “Rust workshop”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete with its content" }));
    await screen.findByText("Deleted “Rust workshop” with its content.");
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual([
      "/api/v1/projects/j1",
      "/api/v1/projects/j1?cascade=true",
    ]);
  });
});
