/** Test doubles for the network: a scripted fetch and a response body the test feeds by hand. */
import { vi } from "vitest";

export type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Replaces global fetch; records every call. */
export function mockFetch(handler: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input);
      calls.push({
        url,
        method: init.method ?? "GET",
        headers: (init.headers ?? {}) as Record<string, string>,
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      });
      return handler(url, init);
    }),
  );
  return calls;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export function problem(status: number, detail: string, errors?: unknown[]): Response {
  return new Response(JSON.stringify({ type: "urn:owp:problem:x", title: "t", status, detail, errors }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

/** A streamed response whose chunks the test pushes; aborting the request errors the body. */
export function controlledStream(signal?: AbortSignal | null) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  signal?.addEventListener("abort", () =>
    controller.error(new DOMException("The operation was aborted.", "AbortError")),
  );
  return {
    response: new Response(body, { headers: { "content-type": "text/event-stream" } }),
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}
