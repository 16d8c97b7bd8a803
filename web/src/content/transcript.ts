/** The chat transcript: stored messages and streamed events as lines, tool calls included. */
import type { ToolCall } from "../api/chat";
import type { Citation } from "../api/rag";
import type { StoredMessage } from "../api/types";
import { storedCitations } from "../rag/citations";

export interface Line {
  key: string;
  role: StoredMessage["role"];
  content: string;
  incomplete?: boolean;
  streaming?: boolean;
  info?: string;
  /** The tool calls of an assistant reply. */
  toolCalls?: ToolCall[];
  /** For a `tool` message: the call it answers. */
  toolCallId?: string;
  /** The numbered sources of a reply grounded in knowledge. */
  citations?: Citation[];
}

/** `metadata.tool_calls` as stored (`{id, function: {name, arguments}}`), or the event's flat shape. */
export function storedToolCalls(metadata: unknown): ToolCall[] {
  const calls = (metadata as { tool_calls?: unknown } | null)?.tool_calls;
  if (!Array.isArray(calls)) return [];
  const out: ToolCall[] = [];
  for (const c of calls as Record<string, unknown>[]) {
    if (!c || typeof c !== "object") continue;
    const fn = (c.function ?? c) as Record<string, unknown>;
    if (typeof c.id !== "string" || typeof fn.name !== "string") continue;
    out.push({ id: c.id, name: fn.name, arguments: fn.arguments ?? {} });
  }
  return out;
}

/** The lines of a stored conversation. */
export function linesFromStored(messages: readonly StoredMessage[]): Line[] {
  return messages.map((m) => {
    const meta = m.metadata as { tool_call_id?: unknown } | null;
    const calls = m.role === "assistant" ? storedToolCalls(m.metadata) : [];
    const citations = m.role === "assistant" ? storedCitations(m.metadata, m.content) : [];
    return {
      key: m.id,
      role: m.role,
      content: m.content,
      incomplete: m.incomplete,
      ...(calls.length ? { toolCalls: calls } : {}),
      ...(citations.length ? { citations } : {}),
      ...(m.role === "tool" && typeof meta?.tool_call_id === "string" ? { toolCallId: meta.tool_call_id } : {}),
    };
  });
}

/** A streamed `tool_call` event added to the reply line. */
export function withToolCall(line: Line, call: ToolCall): Line {
  return { ...line, toolCalls: [...(line.toolCalls ?? []), call] };
}

/** The answer to a call, when the transcript has one (the `tool` line naming it). */
export function answerOf(lines: readonly Line[], callId: string): Line | undefined {
  return lines.find((l) => l.role === "tool" && l.toolCallId === callId);
}

/** Calls still waiting for a result: only the last reply's, and only while nothing came after it but other answers. */
export function pendingCalls(lines: readonly Line[]): ToolCall[] {
  let i = lines.length - 1;
  while (i >= 0 && lines[i].role === "tool") i--;
  const last = lines[i];
  if (!last || last.role !== "assistant" || last.streaming || !last.toolCalls?.length) return [];
  return last.toolCalls.filter((c) => !answerOf(lines, c.id));
}

/** Arguments as indented JSON (a string that holds JSON is parsed first). */
export function formatArguments(args: unknown): string {
  let value = args;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return value as string;
    }
  }
  return JSON.stringify(value ?? {}, null, 2);
}
