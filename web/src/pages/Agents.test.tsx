/** The agents screen against a scripted API: a prompt as the system prompt, 422s beside their fields. */
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { ConfirmProvider } from "../components/ConfirmDialog";
import { json, mockFetch, problem } from "../test/helpers";
import { Agents } from "./Agents";

const PERMISSIONS = ["content:read", "content:write", "content:publish", "models:use"];
vi.mock("../session", () => ({
  useSession: () => ({
    me: { user: { id: "u1", email: "ines@example.com" }, permissions: PERMISSIONS },
    can: (p: string) => PERMISSIONS.includes(p),
  }),
}));

const at = "2026-01-01T00:00:00";
const models = {
  items: [{ name: "llama3.2:latest", size: 1, family: "llama", parameter_size: "3B", quantization_level: "Q4", modified_at: at }],
  total: 1,
};
const prompts = {
  items: [{
    id: "p1", name: "Guide", command: "guide", content: "Guide for {{city}}", version: 1, tags: [], visibility: "org",
    variables: [{ name: "city", type: "text", required: true }], organization_id: "o", owner_id: "u1", created_at: at, updated_at: at,
  }],
  total: 1,
};
const tools = { items: [{ id: "t1", name: "get_weather", description: "", parameters: {}, visibility: "org", created_at: at, updated_at: at }], total: 1 };
const empty = { items: [], total: 0 };

describe("Agents", () => {
  it("sends a prompt with its variables and the chosen tool; shows 422s beside their fields", async () => {
    const calls = mockFetch((url, init) => {
      if (url === "/api/v1/agents" && init.method === "POST") {
        return problem(422, "the agent is not valid", [
          { field: "slug", message: "only a-z, 0-9 and -" },
          { field: "options.temperature", message: "must be between 0 and 2" },
          { field: "prompt_variables.city", message: "is required" },
        ]);
      }
      if (url.startsWith("/api/v1/agents?")) return json(empty);
      if (url.startsWith("/api/v1/prompts?")) return json(prompts);
      if (url.startsWith("/api/v1/tools?")) return json(tools);
      if (url.startsWith("/api/v1/models")) return json(models);
      return json(empty);
    });
    render(<ConfirmProvider><Agents /></ConfirmProvider>);
    fireEvent.click(await screen.findByRole("button", { name: "New agent" }));
    fireEvent.change(screen.getByLabelText("Agent name"), { target: { value: "City Guide" } });
    expect((screen.getByLabelText("Slug") as HTMLInputElement).value).toBe("city-guide");
    await screen.findByRole("option", { name: "llama3.2:latest" });
    fireEvent.click(screen.getByLabelText("A prompt"));
    fireEvent.change(await screen.findByLabelText("Prompt"), { target: { value: "p1" } });
    fireEvent.change(await screen.findByLabelText("city"), { target: { value: "Paris" } });
    fireEvent.click(await screen.findByLabelText("get_weather"));
    fireEvent.change(screen.getByLabelText("Temperature"), { target: { value: "1.5" } });
    fireEvent.click(screen.getByRole("button", { name: "Create agent" }));

    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    await screen.findByText("Must be between 0 and 2.");
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.body).toMatchObject({
      name: "City Guide", slug: "city-guide", model: "llama3.2:latest", system_prompt: null, prompt_id: "p1",
      prompt_variables: { city: "Paris" }, tool_ids: ["t1"], options: { temperature: 1.5 }, knowledge: [],
    });
    // Each fault sits beside its field; nothing is repeated in the banner.
    const temperature = screen.getByLabelText("Temperature");
    expect(temperature.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Only a-z, 0-9 and -.")).toBeTruthy();
    await waitFor(() => expect(screen.getByText(/is required/i)).toBeTruthy());
    expect(screen.queryByText("The agent is not valid")).toBeNull();
  });
});
