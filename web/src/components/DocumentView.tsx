/**
 * One document: its facts, its extracted text (a chunk highlighted in it, found by the byte
 * offsets the server gives) and its chunks with their positions; deleting asks first.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { ChunkList, DocumentText, DocumentView as Doc } from "../api/types";
import { formatBytes, formatNumber } from "../format";
import { kindName, positionText } from "../knowledge/format";
import { splitAtBytes } from "../knowledge/offsets";
import { useLoad } from "../hooks";
import { useSession } from "../session";
import { useConfirm } from "./ConfirmDialog";
import { VisibilityBadge } from "./ContentFields";
import { ErrorBox, useAction } from "./forms";
import { StateBadge } from "./KnowledgeBadges";
import { Skeleton } from "./States";
import { Time } from "./Time";

/** A stretch of the text to show marked: byte offsets into the UTF-8 text, and what it is. */
export interface Highlight {
  start: number;
  end: number;
  label: string;
}

const CHUNKS_PER_PAGE = 20;

function MarkedText({ text, highlight }: { text: string; highlight: Highlight | null }) {
  const mark = useRef<HTMLElement>(null);
  useEffect(() => {
    mark.current?.scrollIntoView?.({ block: "center", behavior: "smooth" });
  }, [highlight, text]);
  if (!text) return <p className="muted">No text was extracted.</p>;
  if (!highlight) {
    return (
      <pre className="document-text" aria-label="Extracted text" tabIndex={0}>
        {text}
      </pre>
    );
  }
  const { before, match, after } = splitAtBytes(text, highlight.start, highlight.end);
  return (
    <pre className="document-text" aria-label="Extracted text" tabIndex={0}>
      {before}
      <mark ref={mark} data-testid="highlighted-chunk">
        {match}
      </mark>
      {after}
    </pre>
  );
}

function Chunks({ doc, onShow }: { doc: Doc; onShow(highlight: Highlight): void }) {
  const [offset, setOffset] = useState(0);
  const chunks = useLoad(
    () => api.get<ChunkList>(`/api/v1/documents/${doc.id}/chunks`, { limit: CHUNKS_PER_PAGE, offset }),
    [doc.id, offset],
  );
  const page = chunks.data;
  return (
    <section aria-labelledby="chunks-title">
      <h3 id="chunks-title">Chunks{page ? ` (${page.total})` : ""}</h3>
      <p className="muted small-text">As cut on upload. A collection cuts the text its own way, so its search results may cover other stretches.</p>
      <ErrorBox error={chunks.error} />
      {chunks.loading && !page && <Skeleton rows={3} label="Loading chunks" />}
      {page && page.total === 0 && <p className="muted">No chunks.</p>}
      {page && page.items.length > 0 && (
        <ol className="chunk-list" aria-label="Chunks">
          {page.items.map((c) => {
            const where = positionText(c.position);
            return (
              <li key={c.id}>
                <div className="chunk-head">
                  <strong>#{c.ordinal + 1}</strong>
                  {where && <span className="muted small-text">{where}</span>}
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => onShow({ start: c.position.start, end: c.position.end, label: `Chunk #${c.ordinal + 1}${where ? ` · ${where}` : ""}` })}
                  >
                    Show in text
                  </button>
                </div>
                <p className="chunk-text">{c.text}</p>
              </li>
            );
          })}
        </ol>
      )}
      {page && page.total > CHUNKS_PER_PAGE && (
        <div className="pager">
          <span>
            Chunks {offset + 1}–{offset + page.items.length} of {page.total}
          </span>
          <button type="button" className="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - CHUNKS_PER_PAGE))}>
            Previous
          </button>
          <button
            type="button"
            className="secondary small"
            disabled={offset + page.items.length >= page.total}
            onClick={() => setOffset(offset + CHUNKS_PER_PAGE)}
          >
            Next
          </button>
        </div>
      )}
    </section>
  );
}

export function DocumentView({ doc, highlight: initial, onDeleted }: {
  doc: Doc;
  highlight: Highlight | null;
  onDeleted(doc: Doc): void;
}) {
  const { can } = useSession();
  const confirm = useConfirm();
  const [highlight, setHighlight] = useState<Highlight | null>(initial);
  const ready = doc.state === "ready";
  const text = useLoad(
    () => (ready ? api.get<DocumentText>(`/api/v1/documents/${doc.id}/text`) : Promise.resolve(null)),
    [doc.id, ready],
  );
  const remove = useAction(async () => {
    const ok = await confirm({
      action: "Delete document",
      object: doc.title,
      consequence: "Its text, chunks and vectors are removed from every collection; searches no longer find it.",
    });
    if (!ok) return;
    await api.delete(`/api/v1/documents/${doc.id}`);
    onDeleted(doc);
  });

  return (
    <section className="card" aria-labelledby="document-title">
      <h2 id="document-title">{doc.title}</h2>
      <dl className="facts">
        <dt>File</dt>
        <dd>{doc.file_name}</dd>
        <dt>Kind</dt>
        <dd>{kindName(doc.kind)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(doc.size_bytes)}</dd>
        <dt>Text</dt>
        <dd>{formatNumber(doc.characters)} characters</dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={doc.state} />
          {doc.error && <span className="field-error"> {doc.error}</span>}
        </dd>
        <dt>Tags</dt>
        <dd>{doc.tags.length ? doc.tags.join(", ") : <span className="muted">none</span>}</dd>
        <dt>Visibility</dt>
        <dd>
          <VisibilityBadge value={doc.visibility} />
        </dd>
        <dt>Uploaded</dt>
        <dd>
          <Time value={doc.created_at} />
        </dd>
      </dl>
      {can("content:write") && (
        <div className="buttons">
          <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            Delete document
          </button>
        </div>
      )}
      <ErrorBox error={remove.error} />
      {ready && (
        <>
          <h3>Extracted text</h3>
          {highlight && (
            <p className="message info highlight-note">
              Marked: {highlight.label}{" "}
              <button type="button" className="link" onClick={() => setHighlight(null)}>
                Clear
              </button>
            </p>
          )}
          <ErrorBox error={text.error} />
          {text.loading && !text.data && <Skeleton rows={5} label="Loading text" />}
          {text.data && <MarkedText text={text.data.text} highlight={highlight} />}
          <Chunks key={doc.id} doc={doc} onShow={setHighlight} />
        </>
      )}
    </section>
  );
}
