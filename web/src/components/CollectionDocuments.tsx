/**
 * A collection's documents with each one's indexing (live while it runs), adding one of the
 * documents you can see, uploading a new one into it, and taking one out (asks first).
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { Added, Collection, CollectionMember, DocumentList, MemberList } from "../api/types";
import { useLoad } from "../hooks";
import { useJobProgress } from "../knowledge/useJobProgress";
import { go } from "../router";
import { useSession } from "../session";
import { useConfirm } from "./ConfirmDialog";
import { ErrorBox, Notice, useAction } from "./forms";
import { JobProgress } from "./KnowledgeBadges";
import { EmptyState, Skeleton } from "./States";
import { Time } from "./Time";

const UNFINISHED = new Set(["queued", "running"]);

export function CollectionDocuments({ collection, onChanged }: { collection: Collection; onChanged(): void }) {
  const { can } = useSession();
  const confirm = useConfirm();
  const writer = can("content:write");
  const [chosen, setChosen] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const members = useLoad(
    () => api.get<MemberList>(`/api/v1/collections/${collection.id}/documents`, { limit: 500 }),
    [collection.id, collection.generation],
  );
  const documents = useLoad(
    () => (writer ? api.get<DocumentList>("/api/v1/documents", { state: "ready", limit: 500 }) : Promise.resolve(null)),
    [writer],
  );
  const items = members.data?.items ?? [];
  const unfinished = items.filter((m) => UNFINISHED.has(m.state)).map((m) => m.job_id);
  const live = useJobProgress(unfinished, () => {
    void members.reload();
    onChanged();
  });
  const inside = new Set(items.map((m) => m.document_id));
  const addable = (documents.data?.items ?? []).filter((d) => !inside.has(d.id));

  const add = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const doc = addable.find((d) => d.id === chosen);
    if (!doc) return;
    await api.post<Added>(`/api/v1/collections/${collection.id}/documents/${doc.id}`);
    setChosen("");
    setNotice(`Added “${doc.title}”; its indexing has started.`);
    await members.reload();
    onChanged();
  });
  const remove = useAction(async (member: CollectionMember) => {
    const ok = await confirm({
      action: "Remove from collection",
      object: member.title,
      consequence: `Its chunks leave the index of “${collection.name}”; the document itself stays.`,
    });
    if (!ok) return;
    await api.delete(`/api/v1/collections/${collection.id}/documents/${member.document_id}`);
    setNotice(`Removed “${member.title}” from “${collection.name}”.`);
    await members.reload();
    onChanged();
  });

  return (
    <section className="card" aria-labelledby="collection-documents-title">
      <h2 id="collection-documents-title">Documents in “{collection.name}”</h2>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBox error={members.error} />
      {members.loading && !members.data && <Skeleton rows={3} label="Loading the collection's documents" />}
      {members.data && items.length === 0 && <EmptyState>No documents yet: add or upload one.</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="cards" aria-label="Collection documents">
            <thead>
              <tr>
                <th>Document</th>
                <th>Indexing</th>
                <th>Added</th>
                {writer && <th>Action</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((m) => {
                const job = live[m.job_id] ?? m;
                return (
                  <tr key={m.document_id} data-testid={`member-${m.title}`}>
                    <td data-label="Document">
                      <button type="button" className="link" onClick={() => void go(`/documents?id=${encodeURIComponent(m.document_id)}`)}>
                        {m.title}
                      </button>
                    </td>
                    <td data-label="Indexing">
                      <JobProgress job={job} label={`Indexing of ${m.title}`} />
                    </td>
                    <td data-label="Added">
                      <Time value={m.added_at} />
                    </td>
                    {writer && (
                      <td data-label="">
                        <button type="button" className="secondary small" disabled={remove.busy} onClick={() => void remove.run(m)}>
                          Remove {m.title}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={remove.error} />
      {writer && (
        <>
          <form className="inline-form" onSubmit={(e) => void add.run(e)}>
            <div className="field">
              <label htmlFor="collection-add">Add a document</label>
              <select id="collection-add" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                <option value="">{addable.length ? "Choose…" : "No other ready documents"}</option>
                {addable.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={!chosen || add.busy}>
              Add
            </button>
          </form>
          <ErrorBox error={add.error ?? documents.error} />
          <button type="button" className="link" onClick={() => void go(`/documents?upload=${encodeURIComponent(collection.id)}`)}>
            Upload a new document into it
          </button>
        </>
      )}
    </section>
  );
}
