// RAG systems (issue 13): the instructor (made in `content.mjs`) puts a small markdown handbook
// into a collection through the API and waits until it is indexed; then, in the browser, builds
// a RAG system over it, asks a question (the answer streams, then numbered sources naming the
// document), follows an [n] marker and opens the cited chunk in the document's text; opens the
// stored conversation in the chat; gives an agent that knowledge and chats with it, seeing the
// sources under the reply; and the screen fits a phone. The fake Ollama answers with the words
// of the question, so a question containing "[1]" gives an answer citing source 1.
import { INSTRUCTOR } from "./content.mjs";

const COLLECTION = "Staff handbook";
const SYSTEM = "HR desk";
const AGENT = "Handbook helper";
const QUESTION = "How many vacation days [1] do employees get?";
// Non-ASCII ahead of later chunks: their byte offsets differ from string indices.
const HANDBOOK = `# Staff handbook

Welcome to the café ☕ — this handbook is für alle.

## Vacation

Every employee gets twenty-five vacation days a year. Unused vacation days carry over until March.

## Équipement

Laptops are replaced every three years; ask the help desk for a new one.
`;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const INDEXING_DEADLINE_MS = 60_000;

async function call(baseUrl, method, path, token, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body instanceof FormData ? {} : { "content-type": "application/json" }), authorization: `Bearer ${token}` },
    body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Puts the handbook into a new collection and waits until it is indexed; answers its chunks' texts. */
async function indexedHandbook(baseUrl) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(INSTRUCTOR),
  });
  const { access_token: token } = await login.json();
  const collection = await call(baseUrl, "POST", "/api/v1/collections", token, {
    name: COLLECTION,
    embedding_model: "all-minilm",
    chunking: { strategy: "markdown", size: 200, overlap: 0 },
    visibility: "org",
  });
  const form = new FormData();
  form.append("file", new Blob([HANDBOOK], { type: "text/markdown" }), "handbook.md");
  form.append("title", COLLECTION);
  form.append("visibility", "org");
  form.append("collection_id", collection.id);
  const document = await call(baseUrl, "POST", "/api/v1/documents", token, form);
  const deadline = Date.now() + INDEXING_DEADLINE_MS;
  for (;;) {
    const now = await call(baseUrl, "GET", `/api/v1/collections/${collection.id}`, token);
    if (now.state === "ready" && now.indexed === 1) break;
    if (now.failed > 0) throw new Error(`indexing failed: ${JSON.stringify(now)}`);
    if (Date.now() > deadline) throw new Error(`not indexed within ${INDEXING_DEADLINE_MS} ms: ${JSON.stringify(now)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The collection's own chunks (its chunking, not the document's default): every one, as the
  // nearest vectors to any query with no score floor.
  const found = await call(baseUrl, "POST", `/api/v1/collections/${collection.id}/search`, token, {
    query: "handbook",
    mode: "vector",
    top_k: 100,
  });
  return { chunks: found.results.filter((r) => r.document_id === document.id).map((r) => r.text) };
}

export async function ragSteps(ctx) {
  const { page, baseUrl, step, go, signIn, signOut, signedInAs, shot } = ctx;
  const editor = () => page.getByRole("region", { name: /^(New RAG system|Edit “)/ });
  const answer = () => page.getByRole("region", { name: "Answer" });
  let handbook;

  await step("the instructor puts a markdown handbook into a collection (API) and it gets indexed", async () => {
    handbook = await indexedHandbook(baseUrl);
    if (handbook.chunks.length < 2) throw new Error(`expected several chunks, got ${handbook.chunks.length}`);
  });

  await step("the instructor builds a RAG system over it; a template without {{question}} is refused inline", async () => {
    await signOut();
    await signIn(INSTRUCTOR);
    await signedInAs(INSTRUCTOR.email);
    await go("RAG systems");
    await page.getByText("No RAG systems yet.").waitFor();
    await page.getByRole("button", { name: "New RAG system" }).click();
    await editor().getByLabel("RAG system name").fill(SYSTEM);
    await editor().getByRole("group", { name: "Collections" }).getByLabel(new RegExp(COLLECTION)).check();
    await page.waitForFunction(() => [...document.querySelectorAll("select")].some((s) => s.value === "llama3.2:latest"));
    const template = editor().getByLabel("Prompt template");
    await template.fill("Answer from these sources:\n{{context}}");
    await editor().getByText("Must contain {{question}}.").waitFor();
    await template.fill("Answer from these sources and cite them like [1]:\n{{context}}\n\nQuestion: {{question}}");
    await editor().getByText("Must contain {{question}}.").waitFor({ state: "detached" });
    await editor().getByLabel("Sources per question (top k)").fill("3");
    await editor().getByLabel("Visibility").selectOption("org");
    await shot("40-rag-new");
    await editor().getByRole("button", { name: "Create RAG system" }).click();
    await page.getByText(`Created “${SYSTEM}”.`, { exact: true }).first().waitFor();
    await page.getByRole("list", { name: "RAG systems" }).getByRole("button", { name: new RegExp(SYSTEM) }).getByText("organization").waitFor();
  });

  await step("asking it streams the answer, then numbered sources naming the document", async () => {
    await page.getByLabel("Question", { exact: true }).fill(QUESTION);
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    // Text shown while the Stop button is still there, shorter than the final answer: streamed.
    await page.getByRole("button", { name: "Stop" }).waitFor();
    await answer().locator(".markdown").filter({ hasText: /vacation/ }).waitFor();
    const partial = (await answer().locator(".markdown").textContent()) ?? "";
    await page.getByRole("button", { name: "Ask", exact: true }).waitFor();
    const sources = answer().getByRole("list", { name: "Sources" });
    await sources.waitFor();
    const full = (await answer().locator(".markdown").textContent()) ?? "";
    if (full.length <= partial.trim().length) throw new Error(`no streaming seen (partial ${JSON.stringify(partial)})`);
    const first = sources.getByRole("listitem").first();
    await first.getByRole("button", { name: `Open ${COLLECTION}, source 1` }).waitFor();
    if (!(await first.getAttribute("class"))?.includes("cited")) throw new Error("source 1 is not marked cited");
    await shot("41-rag-answer");
  });

  await step("an [n] marker highlights its source; the source opens the document with the chunk marked", async () => {
    await answer().getByRole("button", { name: "Source 1" }).first().click();
    const first = answer().getByRole("list", { name: "Sources" }).getByRole("listitem").first();
    await page.waitForFunction((el) => el.classList.contains("highlighted"), await first.elementHandle());
    await first.getByRole("button", { name: `Open ${COLLECTION}, source 1` }).click();
    const viewer = page.getByRole("region", { name: `Document ${COLLECTION}` });
    const mark = viewer.getByTestId("cited-chunk");
    await mark.waitFor();
    const marked = await mark.textContent();
    if (!handbook.chunks.includes(marked)) {
      throw new Error(`the marked text is no chunk of the document: ${JSON.stringify(marked)}`);
    }
    const whole = (await viewer.getByLabel("Document text").textContent()) ?? "";
    if (!whole.includes("café ☕") || whole.length <= marked.length) throw new Error(`document text: ${JSON.stringify(whole)}`);
    await shot("42-rag-cited-document");
  });

  await step("the answer's conversation opens in the chat with its sources", async () => {
    await answer().getByRole("link", { name: "open it in the chat" }).click();
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    const messages = page.getByRole("list", { name: "Messages" });
    await messages.getByText(QUESTION, { exact: true }).waitFor();
    await messages.getByRole("list", { name: "Sources" }).getByText(COLLECTION).first().waitFor();
  });

  await step("the instructor gives an agent the RAG system as knowledge and chats with it, seeing sources", async () => {
    await go("Agents");
    await page.getByRole("button", { name: "New agent" }).click();
    const agentEditor = page.getByRole("region", { name: "New agent" });
    await agentEditor.getByLabel("Agent name").fill(AGENT);
    await page.waitForFunction(() => [...document.querySelectorAll("select")].some((s) => s.value === "llama3.2:latest"));
    await agentEditor.getByLabel("System prompt text").fill("Answer questions about the staff handbook.");
    await agentEditor.getByRole("group", { name: "Knowledge" }).getByLabel(new RegExp(SYSTEM)).check();
    await agentEditor.getByRole("button", { name: "Create agent" }).click();
    await page.getByText(`Created “${AGENT}”.`, { exact: true }).first().waitFor();
    const stored = page.getByRole("region", { name: `Edit “${AGENT}”` }).getByRole("group", { name: "Knowledge" }).getByLabel(new RegExp(SYSTEM));
    if (!(await stored.isChecked())) throw new Error("the agent's knowledge was not kept");
    await shot("43-agent-knowledge");
    await page.getByRole("button", { name: "Chat with this agent" }).click();
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.waitForFunction((name) => document.querySelector("#chat-agent")?.selectedOptions[0]?.textContent === name, AGENT);
    await page.getByLabel("Message", { exact: true }).fill("Vacation days [1] per year?");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    const reply = page.getByRole("list", { name: "Messages" }).locator('[data-role="assistant"]').last();
    const sources = reply.getByRole("list", { name: "Sources" });
    await sources.getByText(COLLECTION).first().waitFor();
    await reply.getByRole("button", { name: "Source 1" }).first().click();
    await page.waitForFunction((el) => el.classList.contains("highlighted"), await sources.getByRole("listitem").first().elementHandle());
    await shot("44-agent-knowledge-chat");
  });

  await step("phone: the RAG systems screen with an answer and its cited document fits, light and dark", async () => {
    await page.setViewportSize(PHONE);
    try {
      await go("RAG systems");
      await page.getByRole("list", { name: "RAG systems" }).getByRole("button", { name: new RegExp(SYSTEM) }).click();
      await page.getByLabel("Question", { exact: true }).fill(QUESTION);
      await page.getByRole("button", { name: "Ask", exact: true }).click();
      await answer().getByRole("list", { name: "Sources" }).waitFor();
      await answer().getByRole("button", { name: `Open ${COLLECTION}, source 1` }).click();
      await page.getByTestId("cited-chunk").waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 1) throw new Error(`RAG systems scrolls sideways by ${overflow}px at 390px`);
      await shot("45-phone-rag");
      await page.emulateMedia({ colorScheme: "dark" });
      await shot("46-phone-rag-dark");
    } finally {
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize(DESKTOP);
    }
  });
}
