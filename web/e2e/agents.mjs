// Agents (issue 12): the instructor (made in `content.mjs`) makes sure the tool get_weather
// exists (API), then builds an agent in the browser with a system prompt, that tool,
// temperature 0.3 and organization visibility; an attendee chats with it: the fake Ollama calls
// get_weather with the user's text, the attendee answers with a tool result, the model replies.
import { INSTRUCTOR } from "./content.mjs";

const AGENT = "Weather guide";

async function api(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** The org-wide tool get_weather(city: string, required), created through the API unless there. */
async function ensureWeatherTool(baseUrl) {
  const { access_token: token } = await api(baseUrl, "POST", "/api/v1/auth/login", null, INSTRUCTOR);
  const tools = await api(baseUrl, "GET", "/api/v1/tools?q=get_weather&limit=50", token);
  if (tools.items.some((t) => t.name === "get_weather")) return;
  await api(baseUrl, "POST", "/api/v1/tools", token, {
    name: "get_weather",
    description: "Current weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    visibility: "org",
  });
}

export async function agentSteps(ctx) {
  const { page, baseUrl, step, go, signIn, signOut, signedInAs, shot, user } = ctx;
  const editor = () => page.getByRole("region", { name: /^(New agent|Edit “)/ });

  await step("the instructor builds an agent: system prompt, the get_weather tool, temperature 0.3, organization", async () => {
    await ensureWeatherTool(baseUrl);
    await signOut();
    await signIn(INSTRUCTOR);
    await signedInAs(INSTRUCTOR.email);
    await go("Agents");
    await page.getByText("No agents yet.").waitFor();
    await page.getByRole("button", { name: "New agent" }).click();
    await editor().getByLabel("Agent name").fill(AGENT);
    const slug = await editor().getByLabel("Slug").inputValue();
    if (slug !== "weather-guide") throw new Error(`slug from the name: ${slug}`);
    await page.waitForFunction(() => [...document.querySelectorAll("select")].some((s) => s.value === "llama3.2:latest"));
    await editor().getByLabel("System prompt text").fill("You report the weather. Call get_weather for a city.");
    await editor().getByRole("group", { name: "Tools" }).getByLabel("get_weather").check();
    await editor().getByLabel("Temperature").fill("0.3");
    await editor().getByLabel("Visibility").selectOption("org");
    await shot("37-agent-new");
    await editor().getByRole("button", { name: "Create agent" }).click();
    await page.getByText(`Created “${AGENT}”.`, { exact: true }).first().waitFor();
    const listed = page.getByRole("list", { name: "Agents" }).getByRole("button", { name: new RegExp(AGENT) });
    await listed.getByText("organization").waitFor();
    await listed.getByText("active").waitFor();
    const temperature = await editor().getByLabel("Temperature").inputValue();
    if (temperature !== "0.3") throw new Error(`stored temperature: ${temperature}`);
  });

  await step("“Chat with this agent” opens the chat with the agent chosen and its model fixed", async () => {
    await page.getByRole("button", { name: "Chat with this agent" }).click();
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.waitForFunction(() => {
      const agent = document.querySelector("#chat-agent");
      return agent?.selectedOptions[0]?.textContent === "Weather guide";
    });
    if (!(await page.getByLabel("Model").isDisabled())) throw new Error("the model picker stays changeable with an agent");
  });

  await step("an attendee chats with the agent: a get_weather call, a typed tool result, the answer", async () => {
    await signOut();
    await signIn(user);
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.getByLabel("Agent").selectOption({ label: AGENT });
    await page.waitForFunction(() => document.querySelector("select:disabled")?.value === "llama3.2:latest");
    await page.getByLabel("Message", { exact: true }).fill("Paris");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    const messages = page.getByRole("list", { name: "Messages" });
    const card = messages.getByRole("group", { name: "Tool call get_weather" });
    await card.waitFor();
    const args = JSON.parse(await card.locator("pre").innerText());
    if (JSON.stringify(args) !== JSON.stringify({ city: "Paris" })) throw new Error(`arguments: ${JSON.stringify(args)}`);
    await shot("38-agent-tool-call");
    await card.getByLabel("Tool result").fill("sunny");
    await card.getByRole("button", { name: "Send result" }).click();
    await messages.locator('[data-role="tool"]').filter({ hasText: "sunny" }).waitFor();
    await messages.locator('[data-role="assistant"] .markdown').filter({ hasText: "sunny" }).waitFor();
    await card.getByLabel("Tool result").waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Send", exact: true }).waitFor();
    await shot("39-agent-answer");
  });

  await step("the conversation reopens with its agent and the answered tool call", async () => {
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.getByRole("button", { name: "Paris", exact: true }).click();
    const card = page.getByRole("list", { name: "Messages" }).getByRole("group", { name: "Tool call get_weather" });
    await card.getByText("sunny").waitFor();
    await page.waitForFunction(() => document.querySelector("#chat-agent")?.selectedOptions[0]?.textContent === "Weather guide");
  });
}
