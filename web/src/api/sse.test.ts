import { describe, expect, it } from "vitest";
import { SseParser, readSse } from "./sse";

describe("SseParser", () => {
  it("joins an event split across chunks at any point", () => {
    const stream = 'event: delta\ndata: {"content":"Hel"}\n\nevent: delta\r\ndata: {"content":"lo"}\r\n\r\n';
    // Every possible split into two chunks yields the same two events.
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.feed(stream.slice(0, cut)), ...parser.feed(stream.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { event: "delta", data: '{"content":"Hel"}' },
        { event: "delta", data: '{"content":"lo"}' },
      ]);
    }
  });

  it("keeps a lone CR pending until it knows whether LF follows", () => {
    const parser = new SseParser();
    expect(parser.feed("data: a\r")).toEqual([]);
    expect(parser.feed("\n\r\n")).toEqual([{ event: "message", data: "a" }]);
  });

  it("joins multi-line data, skips comments and resets the event name", () => {
    const parser = new SseParser();
    const events = parser.feed(": keep-alive\nevent: start\ndata: one\ndata: two\n\ndata: plain\n\n");
    expect(events).toEqual([
      { event: "start", data: "one\ntwo" },
      { event: "message", data: "plain" },
    ]);
  });

  it("delivers a last event that lacks its blank line at end of stream", () => {
    const parser = new SseParser();
    expect(parser.feed("event: done\ndata: {}")).toEqual([]);
    expect(parser.finish()).toEqual([{ event: "done", data: "{}" }]);
  });
});

describe("readSse", () => {
  it("decodes UTF-8 split inside a character", async () => {
    const bytes = new TextEncoder().encode("data: café ☕\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        // Cut through the middle of the 3-byte "☕".
        c.enqueue(bytes.slice(0, bytes.length - 4));
        c.enqueue(bytes.slice(bytes.length - 4));
        c.close();
      },
    });
    const events = [];
    for await (const ev of readSse(body)) events.push(ev);
    expect(events).toEqual([{ event: "message", data: "café ☕" }]);
  });
});
