/**
 * Documents: the ones you can see (search, tag and state filters, pages), an upload form, and a
 * document's text and chunks. `?id=<document>&start=&end=&label=` opens one with a stretch of
 * its text marked (the collections' search results link here); `?upload=<collection>` opens the
 * upload form with that collection chosen.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { Uploaded } from "../api/upload";
import type { CollectionList, DocumentList, DocumentState, DocumentView as Doc, ProjectList } from "../api/types";
import { DocumentUpload } from "../components/DocumentUpload";
import { DocumentView } from "../components/DocumentView";
import type { Highlight } from "../components/DocumentView";
import { ErrorBox, Field, Notice } from "../components/forms";
import type { NoticeKind } from "../components/forms";
import { StateBadge } from "../components/KnowledgeBadges";
import { EmptyState, Skeleton } from "../components/States";
import { formatBytes } from "../format";
import { useLoad } from "../hooks";
import { kindName } from "../knowledge/format";
import { useSession } from "../session";

const PER_PAGE = 20;

/** What the address asks for: a document (with a marked stretch) or the upload form. */
function fromAddress(): { id: string; highlight: Highlight | null; upload: string | null } {
  const params = new URLSearchParams(window.location.search);
  const start = Number(params.get("start"));
  const end = Number(params.get("end"));
  const marked = params.has("start") && params.has("end") && Number.isFinite(start) && Number.isFinite(end);
  return {
    id: params.get("id") ?? "",
    highlight: marked ? { start, end, label: params.get("label") || "the search result" } : null,
    upload: params.get("upload"),
  };
}

/** Keeps the address in step with the open document, so a reload shows it again. */
function showInAddress(id: string | null) {
  const url = id ? `/documents?id=${encodeURIComponent(id)}` : "/documents";
  if (`${window.location.pathname}${window.location.search}` !== url) window.history.replaceState(null, "", url);
}

function uploadNotice({ document: doc, duplicate }: Uploaded, collection: string | undefined): { kind: NoticeKind; text: string } {
  if (duplicate) return { kind: "info", text: `This file was uploaded before as “${doc.title}”: here it is.` };
  if (doc.state === "failed") return { kind: "warning", text: `Uploaded “${doc.title}”, but its text could not be read: ${doc.error ?? "unknown reason"}.` };
  const indexing = collection ? ` Indexing into “${collection}” has started.` : "";
  return { kind: "success", text: `Uploaded “${doc.title}”.${indexing}` };
}

export function Documents() {
  const { can } = useSession();
  const address = useRef(fromAddress()).current;
  const [q, setQ] = useState("");
  const [tag, setTag] = useState("");
  const [state, setState] = useState<"" | DocumentState>("");
  const [offset, setOffset] = useState(0);
  const [current, setCurrent] = useState<Doc | null>(null);
  const [highlight, setHighlight] = useState<Highlight | null>(address.highlight);
  const [uploading, setUploading] = useState(address.upload !== null && can("content:write"));
  const [notice, setNotice] = useState<{ kind: NoticeKind; text: string } | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(
    () => api.get<DocumentList>("/api/v1/documents", { q: q.trim(), tag: tag.trim().toLowerCase(), state, limit: PER_PAGE, offset }),
    [q, tag, state, offset],
  );
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const collections = useLoad(() => api.get<CollectionList>("/api/v1/collections", { limit: 500 }).catch(() => null), []);
  const linked = useLoad(
    () => (address.id ? api.get<Doc>(`/api/v1/documents/${encodeURIComponent(address.id)}`) : Promise.resolve(null)),
    [],
  );
  useEffect(() => {
    if (linked.data) setCurrent(linked.data);
  }, [linked.data]);

  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const filtered = !!(q.trim() || tag.trim() || state);
  const filter = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setOffset(0);
  };
  const reveal = () => requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  const open = (doc: Doc) => {
    setNotice(null);
    setUploading(false);
    setHighlight(null);
    setCurrent(doc);
    showInAddress(doc.id);
    reveal();
  };
  const startUpload = () => {
    setNotice(null);
    setCurrent(null);
    setUploading(true);
    showInAddress(null);
    reveal();
  };
  const clearFilters = () => {
    setQ("");
    setTag("");
    setState("");
    setOffset(0);
  };

  return (
    <div className="page">
      <h1>Documents</h1>
      <div className="split">
        <section className="card" aria-labelledby="document-list-title">
          <h2 id="document-list-title">All documents</h2>
          <div className="two-columns">
            <Field label="Search" type="search" value={q} onChange={(e) => filter(setQ)(e.target.value)} />
            <Field label="Tag" value={tag} onChange={(e) => filter(setTag)(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="document-state">State</label>
            <select id="document-state" value={state} onChange={(e) => filter(setState)(e.target.value as "" | DocumentState)}>
              <option value="">any</option>
              <option value="ready">ready</option>
              <option value="failed">failed</option>
            </select>
          </div>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={startUpload}>
                Upload document
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={4} label="Loading documents" />}
          {list.data && items.length === 0 && (
            <EmptyState
              action={
                filtered && (
                  <button type="button" className="secondary" onClick={clearFilters}>
                    Clear filters
                  </button>
                )
              }
            >
              {filtered ? "No documents match these filters." : "No documents yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Documents">
              {items.map((d) => (
                <li key={d.id}>
                  <button
                    type="button"
                    className={d.id === current?.id ? "selected" : undefined}
                    aria-current={d.id === current?.id ? "true" : undefined}
                    onClick={() => open(d)}
                  >
                    <span>
                      <strong>{d.title}</strong>
                    </span>
                    <StateBadge state={d.state} />
                    <span className="muted small-text">
                      {kindName(d.kind)} · {formatBytes(d.size_bytes)}
                      {d.tags.length > 0 && ` · ${d.tags.join(", ")}`}
                      {d.state === "failed" && d.error && ` · ${d.error}`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {list.data && total > PER_PAGE && (
            <div className="pager">
              <span>
                Documents {offset + 1}–{offset + items.length} of {total}
              </span>
              <button type="button" className="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PER_PAGE))}>
                Previous
              </button>
              <button type="button" className="secondary small" disabled={offset + items.length >= total} onClick={() => setOffset(offset + PER_PAGE)}>
                Next
              </button>
            </div>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
          <ErrorBox error={linked.error} />
          {!current && !uploading && items.length > 0 && <p className="muted">Choose a document to read its text and chunks.</p>}
          {uploading && (
            <DocumentUpload
              projects={projects.data?.items ?? []}
              collections={collections.data?.items ?? []}
              collectionId={address.upload ?? ""}
              onUploaded={(uploaded, collectionId) => {
                const collection = collections.data?.items.find((c) => c.id === collectionId)?.name;
                setUploading(false);
                setHighlight(null);
                setCurrent(uploaded.document);
                showInAddress(uploaded.document.id);
                setNotice(uploadNotice(uploaded, collection));
                void list.reload();
              }}
            />
          )}
          {current && (
            <DocumentView
              key={`${current.id}:${highlight?.start ?? ""}`}
              doc={current}
              highlight={highlight}
              onDeleted={(doc) => {
                setCurrent(null);
                showInAddress(null);
                setNotice({ kind: "success", text: `Deleted “${doc.title}”.` });
                void list.reload();
              }}
            />
          )}
        </div>
      </div>
    </div>
  );
}
