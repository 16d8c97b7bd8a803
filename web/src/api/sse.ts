/**
 * Server-Sent Events over fetch. EventSource cannot send an Authorization header or a POST body,
 * so chat and model pulls read the response body and parse the event stream here.
 */

export interface SseEvent {
  event: string;
  data: string;
}

/** Incremental parser: feed text chunks as they arrive, get back every event they complete. */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    // A line is complete only once its terminator arrived; a lone trailing "\r" may be half of "\r\n".
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const done = this.line(line);
      if (done) out.push(done);
    }
    return out;
  }

  /** Call at end of stream: a final event without its blank line still counts. */
  finish(): SseEvent[] {
    const rest = this.buffer;
    this.buffer = "";
    const out: SseEvent[] = [];
    if (rest) {
      const done = this.line(rest);
      if (done) out.push(done);
    }
    const last = this.line("");
    if (last) out.push(last);
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return null;
      }
      const done = { event: this.event || "message", data: this.data.join("\n") };
      this.event = "";
      this.data = [];
      return done;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    return null;
  }
}

/** Yields the events of a streamed response body as they complete. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.feed(decoder.decode(value, { stream: true }));
    }
    yield* parser.feed(decoder.decode());
    yield* parser.finish();
  } finally {
    reader.releaseLock();
  }
}
