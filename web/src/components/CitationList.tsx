/**
 * The numbered sources of an answer: title, heading path, page and score, the cited ones
 * emphasised; a source opens its document with the chunk marked. `highlighted` is the number a
 * `[n]` marker in the answer pointed at last.
 */
import { useState } from "react";
import type { Citation } from "../api/rag";
import { citationDomId, headingText } from "../rag/citations";
import { SourceViewer } from "./SourceViewer";

export function CitationList({ citations, idPrefix, highlighted }: {
  citations: readonly Citation[];
  /** Makes each item's DOM id (`citationDomId`), for markers to scroll to. */
  idPrefix: string;
  highlighted?: number | null;
}) {
  const [open, setOpen] = useState<Citation | null>(null);
  if (citations.length === 0) {
    return <p className="muted small-text">No source passed the score floor: the answer has no context from the knowledge base.</p>;
  }
  return (
    <div className="citations">
      <h3 className="citations-title">Sources</h3>
      <ol className="citation-list" aria-label="Sources">
        {citations.map((c) => {
          const heading = headingText(c);
          const classes = ["citation", c.cited ? "cited" : "", c.n === highlighted ? "highlighted" : ""].filter(Boolean);
          return (
            <li key={`${c.n}-${c.chunk_id}`} id={citationDomId(idPrefix, c.n)} tabIndex={-1} className={classes.join(" ")} data-cited={c.cited}>
              <span className="citation-n">[{c.n}]</span>
              <span className="citation-body">
                <button type="button" className="link citation-title" onClick={() => setOpen(c)} aria-label={`Open ${c.document_title}, source ${c.n}`}>
                  {c.document_title}
                </button>
                {heading && <span className="citation-heading"> › {heading}</span>}
                <span className="muted small-text">
                  {c.position.page ? ` · page ${c.position.page}` : ""} · score {c.score.toFixed(3)}
                </span>
                {c.cited && <span className="badge cited-badge">cited</span>}
                <span className="citation-text small-text muted">{excerpt(c.text)}</span>
              </span>
            </li>
          );
        })}
      </ol>
      {open && <SourceViewer key={`${open.n}-${open.chunk_id}`} citation={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** The first words of a chunk, on one line. */
function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
