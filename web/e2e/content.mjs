// Workshop content (issue 12): an instructor writes a prompt with two variables, edits it
// (version 2), compares and restores version 1, publishes it to the organization and tries it;
// a tool's schema is refused (JSON syntax in the browser, a schema fault from the server) and
// then fixed; a project gets a member; an attendee uses the prompt from the chat with `/`.

export const INSTRUCTOR = { email: "ines@example.com", password: "ines-password-1234" };
const PROMPT = { name: "Explain a topic", command: "explain" };
const V1 = "Explain {{topic}} to a {{audience}} in three sentences.";
const V2 = "Explain {{topic}} to a {{audience}} in one paragraph.";

/** The admin makes an instructor through the API (the users screens are walked already). */
async function makeInstructor(baseUrl, admin) {
  const call = async (method, path, token, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  const { access_token: token } = await call("POST", "/api/v1/auth/login", null, admin);
  const user = await call("POST", "/api/v1/users", token, { email: INSTRUCTOR.email, full_name: "Ines Instructor" });
  await call("PATCH", `/api/v1/users/${user.id}`, token, { active: true, roles: ["instructor"] });
  await call("PUT", `/api/v1/users/${user.id}/password`, token, { password: INSTRUCTOR.password });
}

export async function contentSteps(ctx) {
  const { page, baseUrl, step, go, signIn, signOut, signedInAs, answerDialog, shot, admin, user } = ctx;
  const editor = () => page.getByRole("region", { name: /^(New prompt|Edit “)/ });
  const variable = (name) => editor().getByRole("group", { name: `Variable ${name}` });
  const notice = (text) => page.getByText(text, { exact: true }).first().waitFor();

  await step("an instructor is made (API) and signs in", async () => {
    await makeInstructor(baseUrl, admin);
    await signOut();
    await signIn(INSTRUCTOR);
    await signedInAs(INSTRUCTOR.email);
  });

  await step("the instructor creates a prompt with two variables (version 1)", async () => {
    await go("Prompts");
    await page.getByText("No prompts yet.").waitFor();
    await page.getByRole("button", { name: "New prompt" }).click();
    await editor().getByLabel("Prompt name").fill(PROMPT.name);
    await editor().getByLabel("Command").fill(PROMPT.command);
    await editor().getByLabel("Content", { exact: true }).fill(V1);
    // The editor notices the undeclared names and declares them on request.
    await editor().getByText("The content uses {{topic}}, {{audience}}, which are not declared.").waitFor();
    await editor().getByRole("button", { name: "Declare them" }).click();
    await variable("topic").getByLabel("Required").check();
    await variable("topic").getByLabel("Description").fill("What to explain");
    await variable("audience").getByLabel("Type").selectOption("select");
    await variable("audience").getByLabel("Options (one per line)").fill("beginner\nexpert");
    await variable("audience").getByLabel("Default").selectOption("beginner");
    await editor().getByLabel("Tags").fill("rust, teaching");
    await shot("30-prompt-new");
    await editor().getByRole("button", { name: "Create prompt" }).click();
    await notice(`Created “${PROMPT.name}” (version 1).`);
    await page.getByRole("list", { name: "Prompts" }).getByRole("button", { name: new RegExp(PROMPT.name) }).waitFor();
  });

  await step("the instructor edits it: version 2", async () => {
    await editor().getByLabel("Content", { exact: true }).fill(V2);
    await editor().getByLabel("Version message").fill("one paragraph");
    await editor().getByRole("button", { name: "Save" }).click();
    await notice(`Saved “${PROMPT.name}” as version 2.`);
  });

  await step("the history shows the diff with version 1, which is restored (version 3)", async () => {
    const history = page.getByRole("region", { name: "Version history" });
    const diff = history.getByRole("list", { name: "Changes from version 1 to the current version 2" });
    await diff.locator('[data-kind="removed"]').filter({ hasText: "three sentences" }).waitFor();
    await diff.locator('[data-kind="added"]').filter({ hasText: "one paragraph" }).waitFor();
    await shot("31-prompt-history");
    await history.getByRole("button", { name: "Restore version 1" }).click();
    await history.getByText("Restored version 1 as version 3.").waitFor();
    const content = await editor().getByLabel("Content", { exact: true }).inputValue();
    if (content !== V1) throw new Error(`content after restore: ${content}`);
    await history.getByRole("button", { name: /^Version 3 \(current\)/ }).waitFor();
  });

  await step("the instructor publishes it to the organization and tries it", async () => {
    await editor().getByLabel("Visibility").selectOption("org");
    await editor().getByRole("button", { name: "Save" }).click();
    await notice(`Saved “${PROMPT.name}”.`);
    await page.getByRole("list", { name: "Prompts" }).getByText("organization").waitFor();
    const tryIt = page.getByRole("region", { name: "Try it" });
    await tryIt.getByLabel("topic").fill("closures");
    await tryIt.getByRole("button", { name: "Render" }).click();
    await tryIt.getByTestId("rendered-text").filter({ hasText: "Explain closures to a beginner in three sentences." }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll("select")].some((s) => s.value === "llama3.2:latest"));
    await tryIt.getByRole("button", { name: "Run with model" }).click();
    await tryIt.locator('[data-role="assistant"] .markdown').filter({ hasText: "Explain closures to a beginner" }).waitFor();
    await tryIt.getByRole("button", { name: "Run with model" }).waitFor();
    await shot("32-prompt-try-it");
  });

  await step("a tool: a JSON syntax error in the browser, a schema fault from the server, then fixed", async () => {
    await go("Tools");
    await page.getByRole("button", { name: "New tool" }).click();
    await page.getByLabel("Function name").fill("get_weather");
    await page.getByLabel("Description").fill("Current weather of a city");
    const schema = page.getByLabel("Parameters (JSON Schema)");
    await schema.fill('{"type": "object", "properties": {"city": {"type": "string"}},}');
    await page.getByTestId("json-error").filter({ hasText: /^Line 1, column \d+: / }).waitFor();
    if (await page.getByRole("button", { name: "Create tool" }).isEnabled()) throw new Error("a tool with broken JSON can be sent");
    await schema.fill('{"type": "object", "properties": {"city": {"type": "strin"}}, "required": ["city"]}');
    await page.getByRole("button", { name: "Create tool" }).click();
    const faults = page.getByRole("list", { name: "Schema problems" });
    await faults.getByText("parameters.properties.city.type").waitFor();
    await shot("33-tool-schema-fault");
    await schema.fill('{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}');
    await faults.waitFor({ state: "detached" });
    await page.getByLabel("Visibility").selectOption("org");
    await page.getByRole("button", { name: "Create tool" }).click();
    await notice("Created “get_weather”.");
    await page.getByRole("list", { name: "Tools" }).getByRole("button", { name: /get_weather/ }).waitFor();
  });

  await step("a project gets a member, who becomes editor; deleting it asks first", async () => {
    await go("Projects");
    await page.getByLabel("Project name").fill("Rust workshop");
    await page.getByRole("button", { name: "Create project" }).click();
    await notice("Created “Rust workshop”; you are its owner.");
    const members = page.getByRole("table", { name: "Members" });
    await members.getByRole("row").filter({ hasText: INSTRUCTOR.email }).waitFor();
    await page.getByLabel("Add user").selectOption({ label: user.email });
    await page.getByRole("button", { name: "Add member" }).click();
    await notice(`${user.email} is viewer of “Rust workshop”.`);
    await page.getByLabel(`Role of ${user.email}`).selectOption("editor");
    await notice(`${user.email} is editor of “Rust workshop”.`);
    await shot("34-project-members");
    await page.getByRole("button", { name: "Delete project" }).click();
    await answerDialog("Cancel");
    await page.getByRole("heading", { level: 2, name: "Rust workshop" }).waitFor();
  });

  await step("an attendee types / in the chat, picks the prompt, fills its variables and sends it", async () => {
    await signOut();
    await signIn(user);
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    const composer = page.getByLabel("Message", { exact: true });
    await composer.fill("/exp");
    const picker = page.getByRole("listbox", { name: "Prompts" });
    await picker.getByRole("option", { name: /\/explain/ }).waitFor();
    await shot("35-chat-command-picker");
    await composer.press("Enter");
    const form = page.locator("form.use-prompt");
    await form.getByLabel("topic").fill("ownership");
    await form.getByLabel("audience").selectOption("expert");
    await form.getByRole("button", { name: "Send" }).click();
    const messages = page.getByRole("list", { name: "Messages" });
    await messages.locator('[data-role="user"]').filter({ hasText: "Explain ownership to a expert in three sentences." }).waitFor();
    await messages.locator('[data-role="assistant"] .markdown').filter({ hasText: "Explain ownership to a expert" }).waitFor();
    await page.getByRole("button", { name: "Send" }).waitFor();
    await shot("36-chat-command-answer");
  });
}
