/**
 * A cited document's extracted text (`GET /documents/{id}/text`) with the cited chunk marked and
 * scrolled into view. The chunk's byte offsets are turned into string indices first.
 */
import { useEffect, useRef } from "react";
import { api } from "../api/client";
import type { Citation, DocumentText } from "../api/rag";
import { useLoad } from "../hooks";
import { byteRangeToIndices } from "../rag/offsets";
import { headingText } from "../rag/citations";
import { ErrorBox } from "./forms";
import { Skeleton } from "./States";

export function SourceViewer({ citation, onClose }: { citation: Citation; onClose(): void }) {
  const doc = useLoad(
    () => api.get<DocumentText>(`/api/v1/documents/${encodeURIComponent(citation.document_id)}/text`),
    [citation.document_id],
  );
  const mark = useRef<HTMLElement>(null);
  const text = doc.data?.text;
  const [from, to] = text === undefined ? [0, 0] : byteRangeToIndices(text, citation.position.start, citation.position.end);
  useEffect(() => {
    mark.current?.scrollIntoView?.({ block: "center" });
  }, [text, from, to]);
  const heading = headingText(citation);

  return (
    <section className="source-viewer" aria-label={`Document ${citation.document_title}`}>
      <div className="source-viewer-bar">
        <h3>
          {citation.document_title}
          {heading && <span className="muted small-text"> — {heading}</span>}
        </h3>
        <button type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorBox error={doc.error} />
      {doc.loading && text === undefined && <Skeleton rows={4} label="Loading the document" />}
      {text !== undefined && (
        <div className="source-text" tabIndex={0} aria-label="Document text">
          {text.slice(0, from)}
          <mark ref={mark} data-testid="cited-chunk">
            {text.slice(from, to)}
          </mark>
          {text.slice(to)}
        </div>
      )}
    </section>
  );
}
