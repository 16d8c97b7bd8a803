/** The RAG system form's state, its checks (as the server makes them) and the API body. */
import type { NewRagSystem, RagSystem } from "../api/rag";
import type { Visibility } from "../api/types";

/** The placeholders a template must hold: the sources and the question. */
export const PLACEHOLDERS = ["{{context}}", "{{question}}"] as const;
export const MAX_COLLECTIONS = 10;
export const MAX_TOP_K = 50;

export interface RagForm {
  name: string;
  description: string;
  collectionIds: string[];
  chatModel: string;
  /** Empty on a new system: the server's default template. */
  template: string;
  topK: string;
  minScore: string;
  mode: string;
  visibility: Visibility;
  projectId: string;
}

/**
 * What is wrong with a template, as the server says it (`must contain {{context}}`), or null.
 * An empty template is fine only where the server's default applies (`optional`).
 */
export function templateProblem(template: string, optional = false): string | null {
  if (!template.trim()) return optional ? null : "Must contain {{context}} and {{question}}.";
  const missing = PLACEHOLDERS.filter((p) => !template.includes(p));
  if (missing.length === 0) return null;
  return `Must contain ${missing.join(" and ")}.`;
}

/** The form's own faults by API field name (empty when it may be sent). */
export function formProblems(form: RagForm, isNew: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const template = templateProblem(form.template, isNew);
  if (template) out.prompt_template = template;
  if (form.collectionIds.length < 1 || form.collectionIds.length > MAX_COLLECTIONS) {
    out.collection_ids = `Choose 1 to ${MAX_COLLECTIONS} collections.`;
  }
  const topK = Number(form.topK);
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) out.top_k = `Must be a whole number from 1 to ${MAX_TOP_K}.`;
  if (form.minScore.trim() && !Number.isFinite(Number(form.minScore))) out.min_score = "Must be a number, or empty for no floor.";
  return out;
}

/** The form for a new RAG system, or filled from a stored one. */
export function ragForm(system: RagSystem | null): RagForm {
  return {
    name: system?.name ?? "",
    description: system?.description ?? "",
    collectionIds: system?.collection_ids ?? [],
    chatModel: system?.chat_model ?? "",
    template: system?.prompt_template ?? "",
    topK: String(system?.top_k ?? 5),
    minScore: system?.min_score === null || system?.min_score === undefined ? "" : String(system.min_score),
    mode: system?.mode ?? "hybrid",
    visibility: system?.visibility ?? "private",
    projectId: system?.project_id ?? "",
  };
}

/**
 * The create or update body: every field, except an empty template on create (the server's
 * default then) — an update sends the template it shows. An empty floor is `null` (none).
 */
export function ragBody(form: RagForm, isNew: boolean): NewRagSystem {
  const body: NewRagSystem = {
    name: form.name.trim(),
    description: form.description.trim(),
    collection_ids: form.collectionIds,
    chat_model: form.chatModel,
    top_k: Number(form.topK),
    min_score: form.minScore.trim() ? Number(form.minScore) : null,
    mode: form.mode,
    visibility: form.visibility,
    project_id: form.projectId || null,
  };
  if (!isNew || form.template.trim()) body.prompt_template = form.template;
  return body;
}
