/** How documents, collections and indexing jobs are described on screen, and chunking checks. */
import type { ChunkPosition, ChunkStrategy, Chunking, CollectionState, DocumentState, JobState } from "../api/types";

/** Any state a badge shows: a document's, a collection's or a job's. */
export type KnowledgeState = DocumentState | CollectionState | JobState;

/** The badge style of a state: finished well, under way, or failed. */
export function stateBadgeClass(state: KnowledgeState): string {
  switch (state) {
    case "ready":
    case "done":
      return "badge active";
    case "failed":
      return "badge disabled";
    default:
      return "badge pending";
  }
}

const KIND_NAMES: Record<string, string> = { text: "Text", markdown: "Markdown", html: "HTML", pdf: "PDF", docx: "DOCX" };

/** "markdown" → "Markdown", "pdf" → "PDF"; unknown kinds as sent. */
export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

/** Share of chunks indexed, 0..100; undefined while the total is not known yet (0). */
export function jobPercent(done: number, total: number): number | undefined {
  if (total <= 0) return undefined;
  return Math.min(100, Math.round((done / total) * 100));
}

/** One line about an indexing job: "queued", "running: 3 of 10 chunks", "done: 10 chunks", "failed: why". */
export function jobText(job: { state: JobState; done: number; total: number; error?: string | null }): string {
  switch (job.state) {
    case "queued":
      return "queued";
    case "running":
      return job.total > 0 ? `running: ${job.done} of ${job.total} chunks` : "running: chunking";
    case "done":
      return `done: ${job.total} ${job.total === 1 ? "chunk" : "chunks"}`;
    case "failed":
      return job.error ? `failed: ${job.error}` : "failed";
  }
}

/** Where a chunk lies, e.g. "page 3 · Setup › Install"; "" when nothing is known. */
export function positionText(position: Pick<ChunkPosition, "page" | "heading_path">): string {
  const parts: string[] = [];
  if (position.page) parts.push(`page ${position.page}`);
  if (position.heading_path?.length) parts.push(position.heading_path.join(" › "));
  return parts.join(" · ");
}

/** A score with three decimals, or "—" when the mode did not compute it. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? "—" : score.toFixed(3);
}

/** "Rust, Setup, ,rust" → ["rust", "setup"]: trimmed, lower-case (as the server keeps them), once each. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** Chunk sizes the server accepts per strategy (characters, or tokens for `tokens`). */
export const SIZE_LIMITS: Record<ChunkStrategy, { least: number; most: number; unit: string }> = {
  characters: { least: 50, most: 8000, unit: "characters" },
  markdown: { least: 50, most: 8000, unit: "characters" },
  tokens: { least: 16, most: 2000, unit: "tokens" },
};

/** The collection form's chunking fields as typed (numbers still text). */
export interface ChunkingForm {
  strategy: ChunkStrategy;
  size: string;
  overlap: string;
}

/**
 * The problems of a chunking form, keyed like the server's 422 fields (`chunking.size`,
 * `chunking.overlap`), or the checked chunking when there are none.
 */
export function checkChunking(form: ChunkingForm): { ok: true; chunking: Chunking } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const { least, most, unit } = SIZE_LIMITS[form.strategy];
  const size = Number(form.size);
  const overlap = form.overlap.trim() === "" ? 0 : Number(form.overlap);
  if (!Number.isInteger(size) || size < least || size > most) {
    errors["chunking.size"] = `Must be a whole number from ${least} to ${most} ${unit}.`;
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    errors["chunking.overlap"] = "Must be a whole number, 0 or more.";
  } else if (!errors["chunking.size"] && overlap * 2 >= size) {
    errors["chunking.overlap"] = `Must be less than half of the size (under ${Math.ceil(size / 2)}).`;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, chunking: { strategy: form.strategy, size, overlap } };
}

/** Whether two chunkings cut the same way (a change starts a rebuild). */
export function sameChunking(a: Chunking, b: Chunking): boolean {
  return (a.strategy ?? "characters") === (b.strategy ?? "characters") && a.size === b.size && (a.overlap ?? 0) === (b.overlap ?? 0);
}
