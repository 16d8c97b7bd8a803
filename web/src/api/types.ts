/**
 * Names for the API's shapes. Everything the gateway documents comes from the generated
 * `schema.d.ts` (`make web-types`); the few shapes below are routes being added on main and are
 * written against their agreed contract until the regenerated schema carries them.
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
export type AuditEventView = S["AuditEventView"];
export type AuditPage = S["AuditPage"];
export type ModelView = S["ModelView"];
export type ModelList = S["ModelList"];
export type EmbeddingsResponse = S["EmbeddingsResponse"];
export type ApproveBody = S["ApproveBody"];
export type PatchUser = S["PatchUser"];
export type CreateUser = S["CreateUser"];

/** A `{items, total}` page of any list route. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Contract of `GET /api/v1/conversations` items (route added on main). */
export interface Conversation {
  id: string;
  title: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
}

/** Contract of `GET /api/v1/conversations/{id}/messages` items (route added on main). */
export interface StoredMessage {
  id: string;
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  model?: string | null;
  tokens_used?: number | null;
  processing_time_ms?: number | null;
  incomplete?: boolean;
  created_at: string;
}

/** Contract of `GET /api/v1/usage` and `/api/v1/admin/usage` rows (route added on main). */
export interface UsageRow {
  day: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  user_id?: string;
  email?: string;
}

export interface Quota {
  daily_limit?: number | null;
  daily_used?: number | null;
  monthly_limit?: number | null;
  monthly_used?: number | null;
}

export interface UsageReport {
  items: UsageRow[];
  quota?: Quota | null;
}
