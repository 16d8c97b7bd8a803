/** The streamed chat call (`POST /api/v1/chat`, Server-Sent Events). */
import type { ApiClient } from "./client";
import type { Citation } from "./rag";
import { readSse } from "./sse";

export interface ChatMessage {
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  /** For a `tool` message: the call it answers (from the `tool_call` event). */
  tool_call_id?: string;
}

export interface ChatRequest {
  /** May be left out with `agent_id` (the agent names its model). */
  model?: string;
  agent_id?: string;
  tool_ids?: string[];
  messages: ChatMessage[];
  conversation_id?: string;
  options?: Record<string, unknown>;
}

export interface ChatStart {
  conversation_id: string;
  message_id: string;
}

export interface ChatDone extends Partial<ChatStart> {
  done_reason?: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  timings?: { total_ms?: number };
}

/** A tool call the model made; answer it with a `tool` message naming `id` in the next turn. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

export interface ChatHandlers {
  onStart?(start: ChatStart): void;
  onDelta(content: string): void;
  onToolCall?(call: ToolCall): void;
  /** The numbered sources of a grounded answer, sent after the last delta. */
  onCitations?(citations: Citation[]): void;
  onDone?(done: ChatDone): void;
}

/** Thrown for an `event: error` inside an otherwise successful stream. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "StreamError";
  }
}

/**
 * Sends one chat turn and reports the reply as it streams. Resolves when the stream ends;
 * rejects with ApiError (refused before streaming), StreamError, or AbortError when stopped.
 */
export async function streamChat(
  client: ApiClient,
  request: ChatRequest,
  handlers: ChatHandlers,
  signal?: AbortSignal,
): Promise<void> {
  const res = await client.send("POST", "/api/v1/chat", {
    body: { ...request, stream: true },
    signal,
  });
  await readChatStream(res, handlers);
}

/**
 * Reports the events of a chat-shaped stream (`start`, `delta`…, `tool_call`, `citations`,
 * `done`; also what `POST /rag-systems/{id}/query` answers) until it ends.
 */
export async function readChatStream(res: Response, handlers: ChatHandlers): Promise<void> {
  if (!res.body) throw new StreamError("The server sent no reply stream.");
  for await (const ev of readSse(res.body)) {
    const data = parse(ev.data);
    switch (ev.event) {
      case "start":
        handlers.onStart?.(data as unknown as ChatStart);
        break;
      case "delta":
        if (typeof data.content === "string" && data.content) handlers.onDelta(data.content);
        break;
      case "tool_call":
        if (typeof data.id === "string" && typeof data.name === "string") {
          handlers.onToolCall?.({ id: data.id, name: data.name, arguments: data.arguments ?? {} });
        }
        break;
      case "citations":
        if (Array.isArray(data.citations)) handlers.onCitations?.(data.citations as Citation[]);
        break;
      case "done":
        handlers.onDone?.(data as ChatDone);
        break;
      case "error":
        throw new StreamError(
          String(data.detail ?? data.message ?? "The reply failed."),
          typeof data.status === "number" ? data.status : undefined,
        );
    }
  }
}

function parse(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
