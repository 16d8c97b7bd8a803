// The official `openai` Node package against `/v1` (run by scripts/client-compat.sh, which sets
// OWP_BASE_URL and OWP_API_KEY to a running owp whose Ollama is the fake).
import assert from "node:assert/strict";
import { test } from "node:test";

import OpenAI from "openai";

const baseUrl = process.env.OWP_BASE_URL;
const apiKey = process.env.OWP_API_KEY;
if (!baseUrl || !apiKey) {
  throw new Error("OWP_BASE_URL and OWP_API_KEY must be set: run `make client-compat`");
}

const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });

test("models.list contains llama3.2:latest", async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.ok(ids.includes("llama3.2:latest"), `got ${JSON.stringify(ids)}`);
});

test("streamed chat: the deltas make the text", async () => {
  const stream = await client.chat.completions.create({
    model: "llama3.2:latest",
    messages: [{ role: "user", content: "Why is the sky blue?" }],
    stream: true,
  });
  let text = "";
  const reasons = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta?.content ?? "";
    if (choice.finish_reason) reasons.push(choice.finish_reason);
  }
  assert.ok(text.trim().length > 0, "no text");
  assert.deepEqual(reasons, ["stop"]);
});

test("embeddings with default arguments (base64, decoded by the SDK)", async () => {
  const result = await client.embeddings.create({ model: "all-minilm:latest", input: "hello" });
  assert.equal(result.data.length, 1);
  const vector = result.data[0].embedding;
  assert.ok(Array.isArray(vector), `not an array: ${typeof vector}`);
  assert.equal(vector.length, 384);
  assert.ok(vector.every((x) => typeof x === "number" && Number.isFinite(x)));
});
