/**
 * Names for the API's shapes, all from the generated `schema.d.ts` (`make web-types` regenerates
 * it from `owp openapi`). Only the SSE event payloads (see `chat.ts`) are not in the spec.
 */
import type { components } from "./schema";

type S = components["schemas"];
export type UserView = S["UserView"];
export type UserPage = S["UserPage"];
export type Me = S["Me"];
export type Instance = S["Instance"];
export type TokenResponse = S["TokenResponse"];
export type Registered = S["Registered"];
export type RoleView = S["RoleView"];
export type ApiKeyView = S["ApiKeyView"];
export type IssuedKey = S["IssuedKey"];
export type IssueKey = S["IssueKey"];
export type AuditEventView = S["AuditEvent"];
export type AuditPage = S["AuditPage"];
export type ModelView = S["ModelView"];
export type ModelList = S["ModelList"];
export type ModelDetail = S["ModelDetail"];
export type EmbeddingsResponse = S["EmbeddingsResponse"];
export type ApproveBody = S["ApproveBody"];
export type PatchUser = S["PatchUser"];
export type CreateUser = S["CreateUser"];

/** A `{items, total}` page of any list route. */
export interface Page<T> {
  items: T[];
  total: number;
}

export type Conversation = S["ConversationView"];
export type ConversationList = S["ConversationList"];
export type StoredMessage = S["MessageView"];
export type MessageList = S["MessageList"];
export type UsageRow = S["UsageRow"];
export type UsageReport = S["UsageReport"];
export type BudgetView = S["Budget"];
export type ChatRequestBody = S["ChatRequest"];
export type ToolList = S["ToolList"];

export type Visibility = S["Visibility"];
export type VariableType = S["VariableType"];
export type Variable = S["Variable"];
export type Prompt = S["Prompt"];
export type PromptList = S["PromptList"];
export type PromptVersion = S["PromptVersion"];
export type VersionList = S["VersionList"];
export type PromptChange = S["PromptChange"];
export type NewPrompt = S["NewPrompt"];
export type Rendered = S["Rendered"];
export type Tool = S["Tool"];
export type Project = S["Project"];
export type ProjectList = S["ProjectList"];
export type Member = S["Member"];
export type MemberRole = S["MemberRole"];
export type Agent = S["Agent"];
export type AgentList = S["AgentList"];
export type NewAgent = S["NewAgent"];
export type AgentChange = S["AgentChange"];
export type AgentOptions = S["AgentOptions"];

export type DocumentView = S["Document"];
export type DocumentList = S["DocumentList"];
export type DocumentState = S["DocumentState"];
export type DocumentText = S["DocumentText"];
export type SectionMark = S["SectionMark"];
export type Chunking = S["ChunkSpec"];
export type ChunkStrategy = S["ChunkStrategy"];
export type Collection = S["Collection"];
export type CollectionList = S["CollectionList"];
export type CollectionChange = S["CollectionChange"];
export type NewCollection = S["NewCollection"];
export type CollectionMember = S["CollectionMember"];
export type MemberList = S["MemberList"];
export type CollectionState = S["CollectionState"];
export type Added = S["Added"];
export type Job = S["Job"];
export type JobState = S["JobState"];
export type SearchRequest = S["SearchRequest"];

/**
 * Where a chunk lies. The spec types `position` and search `results` as bare objects, so these
 * two shapes are written out here (from the server's `Position` and `SearchResult`).
 */
export interface ChunkPosition {
  page?: number | null;
  heading_path?: string[];
  /** Byte offset of the chunk's first character in the UTF-8 text. */
  start: number;
  /** Byte offset just past its last character. */
  end: number;
}

export type StoredChunk = Omit<S["StoredChunk"], "position"> & { position: ChunkPosition };
export interface ChunkList {
  items: StoredChunk[];
  total: number;
}

export interface SearchResult {
  chunk_id: string;
  document_id: string;
  document_title: string;
  text: string;
  score: number;
  vector_score?: number | null;
  lexical_score?: number | null;
  position: ChunkPosition;
}

export type SearchAnswer = Omit<S["SearchAnswer"], "results"> & { results: SearchResult[] };
