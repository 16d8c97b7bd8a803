/**
 * `[n]` markers in answers: which sources an answer names (read as the server reads them), a
 * markdown extension that turns known markers into buttons, and how a source is labelled.
 */
import type { TokenizerAndRendererExtension } from "marked";
import type { Citation } from "../api/rag";

/** A marker: `[1]`, `[2, 3]` — digits, commas and spaces in brackets, at least one digit. */
const MARKER = /\[([\d, ]*\d[\d, ]*)\]/g;
const MARKER_AT_START = /^\[([\d, ]*\d[\d, ]*)\]/;

function numbersIn(group: string): number[] {
  return group
    .split(",")
    .map((part) => part.trim())
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

/** The source numbers `text` names, first mention first, each once. */
export function citedNumbers(text: string): number[] {
  const out: number[] = [];
  for (const match of text.matchAll(MARKER)) {
    for (const n of numbersIn(match[1])) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** `citations` with `cited` set for the numbers `answer` names. */
export function markCited(citations: readonly Citation[], answer: string): Citation[] {
  const cited = new Set(citedNumbers(answer));
  return citations.map((c) => ({ ...c, cited: cited.has(c.n) }));
}

/**
 * The sources kept with a stored reply (`metadata.sources`), marked against its text; empty
 * when the reply was not grounded.
 */
export function storedCitations(metadata: unknown, answer: string): Citation[] {
  const sources = (metadata as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources)) return [];
  const valid = sources.filter(
    (s): s is Citation => !!s && typeof s === "object" && typeof (s as Citation).n === "number" && !!(s as Citation).position,
  );
  return markCited(valid, answer);
}

/** The DOM id of citation `n` in the list with id prefix `prefix`. */
export function citationDomId(prefix: string, n: number): string {
  return `${prefix}-source-${n}`;
}

/**
 * A marked inline extension: every marker naming at least one of `known` becomes a button per
 * number (`data-cite` holds it; unknown numbers stay text), e.g. `[1][2]` for `[1, 2]`.
 */
export function citationExtension(known: ReadonlySet<number>): TokenizerAndRendererExtension {
  return {
    name: "citation",
    level: "inline",
    start(src: string) {
      const at = src.search(/\[[\d, ]*\d[\d, ]*\]/);
      return at === -1 ? undefined : at;
    },
    tokenizer(src: string) {
      const match = MARKER_AT_START.exec(src);
      if (!match) return undefined;
      const numbers = numbersIn(match[1]);
      if (!numbers.some((n) => known.has(n))) return undefined;
      return { type: "citation", raw: match[0], numbers };
    },
    renderer(token) {
      return (token.numbers as number[])
        .map((n) =>
          known.has(n)
            ? `<button type="button" class="cite-marker" data-cite="${n}" aria-label="Source ${n}">[${n}]</button>`
            : `[${n}]`,
        )
        .join("");
    },
  };
}

/** `Intro › Setup` for a heading path, empty without one. */
export function headingText(citation: Pick<Citation, "position">): string {
  return (citation.position.heading_path ?? []).join(" › ");
}
