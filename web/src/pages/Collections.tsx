/**
 * Collections: documents indexed for retrieval. The list shows each one's state and counts; a
 * chosen one shows its settings (a rebuild under way with its progress), its documents with
 * live indexing progress, and a search playground.
 */
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { Collection, CollectionList, ProjectList } from "../api/types";
import { CollectionDocuments } from "../components/CollectionDocuments";
import { CollectionEditor } from "../components/CollectionEditor";
import { useConfirm } from "../components/ConfirmDialog";
import { VisibilityBadge } from "../components/ContentFields";
import { ErrorBox, Notice, useAction } from "../components/forms";
import { StateBadge } from "../components/KnowledgeBadges";
import { SearchPlayground } from "../components/SearchPlayground";
import { EmptyState, Skeleton } from "../components/States";
import { useLoad } from "../hooks";
import { useSession } from "../session";

/** How often a collection that is indexing or rebuilding is read again. */
const POLL_MS = 2000;

function counts(c: Collection): string {
  const parts = [`${c.documents} ${c.documents === 1 ? "document" : "documents"}`, `${c.indexed} indexed`];
  if (c.failed) parts.push(`${c.failed} failed`);
  parts.push(c.dimensions ? `${c.dimensions} dimensions` : "dimensions not known yet", c.backend, c.distance);
  return parts.join(" · ");
}

/** The new generation being built after a change of model or chunking, and how far it got. */
function RebuildProgress({ collection }: { collection: Collection }) {
  const rebuild = collection.rebuild;
  if (!rebuild) return null;
  const { strategy = "characters", size, overlap = 0 } = rebuild.chunking;
  return (
    <div className="message info" role="status">
      <p>
        Rebuilding the index (generation {rebuild.generation}) with {rebuild.embedding_model}, {strategy} chunks of {size} sharing {overlap}:{" "}
        {rebuild.indexed} of {rebuild.documents} documents indexed. Searches use generation {collection.generation} until it is complete.
      </p>
      <progress max={Math.max(rebuild.documents, 1)} value={rebuild.indexed} aria-label="Rebuild progress" />
    </div>
  );
}

export function Collections() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [current, setCurrent] = useState<Collection | null>(null);
  const [creating, setCreating] = useState(false);
  const [saves, setSaves] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<CollectionList>("/api/v1/collections", { limit: 500 }), []);
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const detail = useLoad(
    () => (current ? api.get<Collection>(`/api/v1/collections/${current.id}`) : Promise.resolve(null)),
    [current?.id],
  );
  const shown = detail.data?.id === current?.id ? (detail.data ?? current) : current;
  const busy = !!shown && (!!shown.rebuild || shown.state === "indexing");
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => void detail.reload(), POLL_MS);
    return () => {
      clearInterval(timer);
      // Counts changed while it worked: refresh the list once it is done.
      void list.reload();
    };
  }, [busy, detail.reload]);

  const items = list.data?.items ?? [];
  const open = (collection: Collection | null) => {
    setNotice(null);
    setCreating(collection === null);
    setCurrent(collection);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };
  const remove = useAction(async (collection: Collection) => {
    const ok = await confirm({
      action: "Delete collection",
      object: collection.name,
      consequence: "Its index is removed and searches of it stop working; the documents stay in Documents.",
    });
    if (!ok) return;
    await api.delete(`/api/v1/collections/${collection.id}`);
    setCurrent(null);
    setNotice(`Deleted “${collection.name}”.`);
    void list.reload();
  });

  return (
    <div className="page">
      <h1>Collections</h1>
      <div className="split">
        <section className="card" aria-labelledby="collection-list-title">
          <h2 id="collection-list-title">All collections</h2>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={() => open(null)}>
                New collection
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={3} label="Loading collections" />}
          {list.data && items.length === 0 && <EmptyState>No collections yet.</EmptyState>}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Collections">
              {items.map((listed) => {
                const c = listed.id === shown?.id ? shown : listed;
                return (
                  <li key={c.id}>
                    <button
                      type="button"
                      className={c.id === current?.id ? "selected" : undefined}
                      aria-current={c.id === current?.id ? "true" : undefined}
                      onClick={() => open(listed)}
                    >
                      <span>
                        <strong>{c.name}</strong> <span className="muted small-text">{c.embedding_model}</span>
                      </span>
                      <span className="badges">
                        <StateBadge state={c.state} /> <VisibilityBadge value={c.visibility} />
                      </span>
                      <span className="muted small-text">{counts(c)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!current && !creating && items.length > 0 && <p className="muted">Choose a collection to see its documents and search it.</p>}
          {creating && (
            <CollectionEditor
              key="new"
              collection={null}
              projects={projects.data?.items ?? []}
              onSaved={(created, message) => {
                setCreating(false);
                setCurrent(created);
                setNotice(message);
                void list.reload();
              }}
            />
          )}
          {shown && (
            <>
              <p className="muted small-text collection-summary">
                <StateBadge state={shown.state} /> generation {shown.generation} · {counts(shown)}
              </p>
              <RebuildProgress collection={shown} />
              <CollectionEditor
                key={`${shown.id}:${saves}`}
                collection={shown}
                projects={projects.data?.items ?? []}
                onSaved={(updated, message) => {
                  setSaves((n) => n + 1);
                  setCurrent(updated);
                  detail.setData(updated);
                  setNotice(message);
                  void list.reload();
                }}
              />
              <CollectionDocuments collection={shown} onChanged={() => void detail.reload()} />
              <SearchPlayground collection={shown} />
              {can("content:write") && (
                <div className="buttons">
                  <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(shown)}>
                    Delete collection
                  </button>
                  <ErrorBox error={remove.error} />
                </div>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
