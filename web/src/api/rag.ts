/**
 * RAG systems (`/api/v1/rag-systems`) and what they answer: the shapes from the generated
 * schema (a citation's `position` typed here, the spec leaves it an object) and the streamed ask.
 */
import type { ApiClient } from "./client";
import { readChatStream } from "./chat";
import type { ChatHandlers } from "./chat";
import type { components } from "./schema";

type S = components["schemas"];
export type RagSystem = S["RagSystem"];
export type RagSystemList = S["RagSystemList"];
export type NewRagSystem = S["NewRagSystem"];
export type RagSystemChange = S["RagSystemChange"];
export type Collection = S["Collection"];
export type CollectionList = S["CollectionList"];
export type DocumentText = S["DocumentText"];

/** Where a cited chunk lies: page and headings when known, byte offsets into the document's text. */
export interface CitationPosition {
  page?: number | null;
  heading_path?: string[];
  start: number;
  end: number;
}

/** A numbered source of an answer; `cited` when the answer names it with `[n]`. */
export type Citation = Omit<S["Citation"], "position"> & { position: CitationPosition };

/** Retrieval modes, as the server names them. */
export const RAG_MODES = ["hybrid", "vector", "lexical"] as const;

/**
 * Asks RAG system `id` and reports the answer as it streams (`start`, `delta`…, `citations`,
 * `done`). Rejects like `streamChat`: ApiError before streaming, StreamError, AbortError.
 */
export async function askRagSystem(
  client: ApiClient,
  id: string,
  question: { question: string; conversation_id?: string },
  handlers: ChatHandlers,
  signal?: AbortSignal,
): Promise<void> {
  const res = await client.send("POST", `/api/v1/rag-systems/${encodeURIComponent(id)}/query`, {
    body: { ...question, stream: true },
    signal,
  });
  await readChatStream(res, handlers);
}
