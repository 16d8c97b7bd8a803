/** The streamed ask of a RAG system, as the SSE events arrive: deltas, then the `citations` event. */
import { describe, expect, it, vi } from "vitest";
import { ApiClient } from "./client";
import { askRagSystem } from "./rag";
import type { Citation } from "./rag";
import { controlledStream, mockFetch, problem } from "../test/helpers";

const memory = { load: () => null, save: () => {} };
const citation: Citation = {
  n: 1, collection_id: "c1", chunk_id: "k1", document_id: "d1", document_title: "Handbook", text: "Ten days.",
  score: 0.81, position: { heading_path: ["Leave"], start: 10, end: 19 }, cited: true,
};

describe("askRagSystem", () => {
  it("posts the question and reports start, each delta, the citations and done, in order", async () => {
    const stream = controlledStream();
    const calls = mockFetch(() => stream.response);
    const seen: string[] = [];
    const onCitations = vi.fn((list: Citation[]) => seen.push(`citations:${list.length}`));
    const asked = askRagSystem(new ApiClient(memory), "r1", { question: "Days off?", conversation_id: "c9" }, {
      onStart: (s) => seen.push(`start:${s.conversation_id}`),
      onDelta: (text) => seen.push(`delta:${text}`),
      onCitations,
      onDone: () => seen.push("done"),
    });
    stream.push('event: start\ndata: {"conversation_id":"c9","message_id":"m1"}\n\n');
    stream.push('event: delta\ndata: {"content":"Ten days "}\n\nevent: delta\ndata: {"content":"[1]."}\n\n');
    // The citations event may arrive split across chunks like any other.
    const payload = `event: citations\ndata: ${JSON.stringify({ citations: [citation] })}\n\n`;
    stream.push(payload.slice(0, 30));
    stream.push(payload.slice(30) + 'event: done\ndata: {"done_reason":"stop"}\n\n');
    stream.close();
    await asked;

    expect(calls[0].url).toBe("/api/v1/rag-systems/r1/query");
    expect(calls[0].body).toEqual({ question: "Days off?", conversation_id: "c9", stream: true });
    expect(seen).toEqual(["start:c9", "delta:Ten days ", "delta:[1].", "citations:1", "done"]);
    expect(onCitations).toHaveBeenCalledWith([citation]);
  });

  it("ignores a citations event without a list, and rejects on an error event", async () => {
    const stream = controlledStream();
    mockFetch(() => stream.response);
    const onCitations = vi.fn();
    const asked = askRagSystem(new ApiClient(memory), "r1", { question: "?" }, { onDelta: () => {}, onCitations });
    stream.push('event: citations\ndata: {"oops":1}\n\nevent: error\ndata: {"status":502,"detail":"Ollama broke off"}\n\n');
    stream.close();
    await expect(asked).rejects.toMatchObject({ name: "StreamError", message: "Ollama broke off", status: 502 });
    expect(onCitations).not.toHaveBeenCalled();
  });

  it("rejects with the problem when refused before streaming", async () => {
    mockFetch(() => problem(403, "you may not use all-minilm:latest"));
    await expect(askRagSystem(new ApiClient(memory), "r1", { question: "?" }, { onDelta: () => {} })).rejects.toMatchObject({ status: 403 });
  });
});
