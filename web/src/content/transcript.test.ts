import { describe, expect, it } from "vitest";
import type { StoredMessage } from "../api/types";
import { answerOf, formatArguments, linesFromStored, pendingCalls, storedToolCalls, withToolCall } from "./transcript";
import type { Line } from "./transcript";

const message = (id: string, role: string, content: string, metadata: unknown = {}): StoredMessage =>
  ({ id, role, content, metadata, incomplete: false, created_at: "2026-01-01T00:00:00Z" }) as StoredMessage;

describe("transcript", () => {
  it("reads stored tool calls and the tool message answering them", () => {
    const lines = linesFromStored([
      message("1", "user", "Paris"),
      message("2", "assistant", "", { tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: { city: "Paris" } } }] }),
      message("3", "tool", "sunny", { tool_call_id: "call_1" }),
      message("4", "assistant", "It is sunny.", { tool_calls: [] }),
    ]);
    expect(lines[1].toolCalls).toEqual([{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }]);
    expect(lines[2].toolCallId).toBe("call_1");
    expect(lines[3].toolCalls).toBeUndefined();
    expect(answerOf(lines, "call_1")?.content).toBe("sunny");
    expect(pendingCalls(lines)).toEqual([]);
  });

  it("ignores malformed metadata", () => {
    expect(storedToolCalls(null)).toEqual([]);
    expect(storedToolCalls({ tool_calls: "x" })).toEqual([]);
    expect(storedToolCalls({ tool_calls: [{ function: { name: "f" } }, { id: "c", name: "flat" }] })).toEqual([
      { id: "c", name: "flat", arguments: {} },
    ]);
  });

  it("adds streamed calls to the reply; only the last finished reply's unanswered calls wait", () => {
    let reply: Line = { key: "r", role: "assistant", content: "", streaming: true };
    reply = withToolCall(reply, { id: "a", name: "f", arguments: {} });
    reply = withToolCall(reply, { id: "b", name: "g", arguments: {} });
    const user: Line = { key: "u", role: "user", content: "x" };
    expect(pendingCalls([user, reply])).toEqual([]); // still streaming
    const done = { ...reply, streaming: false };
    expect(pendingCalls([user, done]).map((c) => c.id)).toEqual(["a", "b"]);
    const answered: Line = { key: "t", role: "tool", content: "1", toolCallId: "a" };
    expect(pendingCalls([user, done, answered]).map((c) => c.id)).toEqual(["b"]);
    expect(pendingCalls([user, done, user])).toEqual([]);
  });

  it("formats arguments as indented JSON", () => {
    expect(formatArguments({ city: "Paris" })).toBe('{\n  "city": "Paris"\n}');
    expect(formatArguments('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatArguments("not json")).toBe("not json");
  });
});
