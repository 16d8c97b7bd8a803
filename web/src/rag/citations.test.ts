import { describe, expect, it } from "vitest";
import { Marked } from "marked";
import type { Citation } from "../api/rag";
import { citationExtension, citedNumbers, markCited, storedCitations } from "./citations";

const source = (n: number): Citation => ({
  n, collection_id: "c", chunk_id: `k${n}`, document_id: "d", document_title: "Handbook", text: "…", score: 0.5,
  position: { start: 0, end: 3 }, cited: false,
});

describe("citedNumbers", () => {
  it("reads markers in all the usual spellings, as the server does", () => {
    expect(citedNumbers("Grass [1], hay [2][3] and [1, 4].")).toEqual([1, 2, 3, 4]);
    expect(citedNumbers("no [citation] here [] or [a1], unclosed [2")).toEqual([]);
  });

  it("marks the sources an answer names", () => {
    const marked = markCited([source(1), source(2)], "see [2]");
    expect(marked.map((c) => c.cited)).toEqual([false, true]);
  });

  it("takes the sources kept with a stored reply, and nothing from other metadata", () => {
    expect(storedCitations({ sources: [source(1), source(2)] }, "as [1] says").map((c) => c.cited)).toEqual([true, false]);
    expect(storedCitations({ tool_calls: [] }, "[1]")).toEqual([]);
    expect(storedCitations(null, "[1]")).toEqual([]);
  });
});

describe("citationExtension", () => {
  const render = (text: string, known: number[]) =>
    new Marked({ async: false, extensions: [citationExtension(new Set(known))] }).parse(text) as string;

  it("turns known markers into buttons and leaves the rest as text", () => {
    const html = render("Ten days [1], see also [2, 9] and [7].", [1, 2]);
    expect(html).toContain('<button type="button" class="cite-marker" data-cite="1" aria-label="Source 1">[1]</button>');
    expect(html).toContain('data-cite="2"');
    expect(html).toContain("[9]");
    expect(html).not.toContain('data-cite="9"');
    expect(html).toContain("and [7].");
  });

  it("leaves markers in code alone", () => {
    const html = render("Use `arr[1]` here [1]", [1]);
    expect(html).toContain("<code>arr[1]</code>");
    expect(html.match(/data-cite/g)).toHaveLength(1);
  });
});
