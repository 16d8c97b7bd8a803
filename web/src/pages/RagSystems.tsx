/**
 * RAG systems: collections, a chat model and a prompt template that answer questions with
 * numbered sources. Choose one to ask it (the answer streams, then its sources) or change it.
 */
import { useRef, useState } from "react";
import { api } from "../api/client";
import type { CollectionList, RagSystem, RagSystemList } from "../api/rag";
import type { ProjectList } from "../api/types";
import { AskPanel } from "../components/AskPanel";
import { useConfirm } from "../components/ConfirmDialog";
import { VisibilityBadge } from "../components/ContentFields";
import { ErrorBox, Field, Notice, useAction } from "../components/forms";
import { RagSystemEditor } from "../components/RagSystemEditor";
import { EmptyState, Skeleton } from "../components/States";
import { useLoad } from "../hooks";
import { useSession } from "../session";
import "../rag/rag.css";

export function RagSystems() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [q, setQ] = useState("");
  const [current, setCurrent] = useState<RagSystem | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<RagSystemList>("/api/v1/rag-systems", { limit: 500 }), []);
  const collections = useLoad(() => api.get<CollectionList>("/api/v1/collections", { limit: 500 }).catch(() => null), []);
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const needle = q.trim().toLowerCase();
  const all = list.data?.items ?? [];
  const items = needle ? all.filter((s) => `${s.name} ${s.description}`.toLowerCase().includes(needle)) : all;

  const open = (system: RagSystem | null) => {
    setNotice(null);
    setCreating(system === null);
    setCurrent(system);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };
  const remove = useAction(async (system: RagSystem) => {
    const ok = await confirm({
      action: "Delete RAG system",
      object: system.name,
      consequence: "Nobody can ask it any more; its collections, documents and past conversations stay.",
    });
    if (!ok) return;
    await api.delete(`/api/v1/rag-systems/${system.id}`);
    setCurrent(null);
    setNotice(`Deleted “${system.name}”.`);
    void list.reload();
  });

  return (
    <div className="page">
      <h1>RAG systems</h1>
      <div className="split">
        <section className="card" aria-labelledby="rag-list-title">
          <h2 id="rag-list-title">All RAG systems</h2>
          <div className="inline-form">
            <Field label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={() => open(null)}>
                New RAG system
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={3} label="Loading RAG systems" />}
          {list.data && items.length === 0 && (
            <EmptyState
              action={
                needle && (
                  <button type="button" className="secondary" onClick={() => setQ("")}>
                    Clear filter
                  </button>
                )
              }
            >
              {needle ? `No RAG systems match “${q.trim()}”.` : "No RAG systems yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="RAG systems">
              {items.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className={s.id === current?.id ? "selected" : undefined}
                    aria-current={s.id === current?.id ? "true" : undefined}
                    onClick={() => open(s)}
                  >
                    <span>
                      <strong>{s.name}</strong> <span className="muted small-text">{s.chat_model}</span>
                    </span>
                    <span className="badges">
                      <span className="badge">{s.mode}</span> <VisibilityBadge value={s.visibility} />
                    </span>
                    {s.description && <span className="muted small-text">{s.description}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!current && !creating && items.length > 0 && <p className="muted">Choose a RAG system to ask it or change it.</p>}
          {current && can("models:use") && <AskPanel key={current.id} system={current} />}
          {(current || creating) && (
            <RagSystemEditor
              key={current ? `${current.id}:${current.updated_at}` : "new"}
              system={current}
              collections={collections.data?.items ?? []}
              projects={projects.data?.items ?? []}
              onSaved={(system, message) => {
                setCreating(false);
                setCurrent(system);
                setNotice(message);
                void list.reload();
              }}
            />
          )}
          {current && can("content:write") && (
            <div className="buttons">
              <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(current)}>
                Delete RAG system
              </button>
              <ErrorBox error={remove.error} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
