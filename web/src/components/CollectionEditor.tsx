/**
 * A collection's settings: name, description, embedding model, distance and backend (fixed once
 * created), chunking, visibility and project. Chunk sizes are checked as they are typed; a new
 * model or chunking rebuilds the index, so saving one asks first.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { ChunkStrategy, Collection, CollectionChange, NewCollection, Project, Visibility } from "../api/types";
import { SIZE_LIMITS, checkChunking, sameChunking } from "../knowledge/format";
import type { ChunkingForm } from "../knowledge/format";
import { useSession } from "../session";
import { useConfirm } from "./ConfirmDialog";
import { ProjectSelect, VisibilitySelect } from "./ContentFields";
import { ErrorBox, Field, fieldError, useAction } from "./forms";
import { ModelPicker, isEmbeddingModel } from "./ModelPicker";

const FIELDS = ["name", "description", "embedding_model", "distance", "backend", "chunking.size", "chunking.overlap", "visibility", "project_id"];

const STRATEGIES: { value: ChunkStrategy; label: string }[] = [
  { value: "characters", label: "characters (fixed runs)" },
  { value: "markdown", label: "markdown (along headings)" },
  { value: "tokens", label: "tokens (approximate)" },
];

function chunkingForm(collection: Collection | null): ChunkingForm {
  const chunking = collection?.chunking;
  return {
    strategy: chunking?.strategy ?? "characters",
    size: String(chunking?.size ?? 1000),
    overlap: String(chunking?.overlap ?? 100),
  };
}

export function CollectionEditor({ collection, projects, onSaved }: {
  collection: Collection | null;
  projects: Project[];
  onSaved(collection: Collection, message: string): void;
}) {
  const { can } = useSession();
  const confirm = useConfirm();
  const [name, setName] = useState(collection?.name ?? "");
  const [description, setDescription] = useState(collection?.description ?? "");
  const [model, setModel] = useState(collection?.embedding_model ?? "");
  const [distance, setDistance] = useState(collection?.distance ?? "cosine");
  const [backend, setBackend] = useState(collection?.backend ?? "builtin");
  const [chunking, setChunking] = useState<ChunkingForm>(() => chunkingForm(collection));
  const [visibility, setVisibility] = useState<Visibility>(collection?.visibility ?? "private");
  const [projectId, setProjectId] = useState(collection?.project_id ?? "");
  const writer = can("content:write");
  const checked = checkChunking(chunking);
  const local = checked.ok ? {} : checked.errors;

  const save = useAction(async () => {
    if (!checked.ok) return;
    const common = { name: name.trim(), description: description.trim(), visibility, project_id: projectId || null };
    if (!collection) {
      const body: NewCollection = { ...common, embedding_model: model, distance, backend, chunking: checked.chunking };
      const created = await api.post<Collection>("/api/v1/collections", body);
      onSaved(created, `Created “${created.name}”.`);
      return;
    }
    const change: CollectionChange = { ...common };
    if (model !== collection.embedding_model) change.embedding_model = model;
    if (!sameChunking(checked.chunking, collection.chunking)) change.chunking = checked.chunking;
    if (change.embedding_model || change.chunking) {
      const ok = await confirm({
        action: "Rebuild index",
        object: collection.name,
        consequence: "Every document is indexed again with the new settings in the background; searches use the current index until the new one is complete.",
        danger: false,
      });
      if (!ok) return;
    }
    const updated = await api.patch<Collection>(`/api/v1/collections/${collection.id}`, change);
    onSaved(updated, updated.rebuild ? `Saved “${updated.name}”; the index is being rebuilt.` : `Saved “${updated.name}”.`);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const err = (field: string) => local[field] ?? fieldError(save.error, field);
  const limits = SIZE_LIMITS[chunking.strategy];

  return (
    <section className="card" aria-labelledby="collection-editor-title">
      <h2 id="collection-editor-title">{collection ? `Settings of “${collection.name}”` : "New collection"}</h2>
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={!writer}>
          <Field label="Collection name" value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} error={err("name")} />
          <div className="field">
            <label htmlFor="collection-description">Description</label>
            <textarea id="collection-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
            {err("description") && <small className="field-error">{err("description")}</small>}
          </div>
          <ModelPicker value={model} onChange={setModel} filter={isEmbeddingModel} label="Embedding model" />
          {err("embedding_model") && <small className="field-error">{err("embedding_model")}</small>}
          <div className="two-columns">
            <div className="field">
              <label htmlFor="collection-distance">Distance</label>
              <select id="collection-distance" value={distance} disabled={!!collection} onChange={(e) => setDistance(e.target.value)}>
                <option value="cosine">cosine</option>
                <option value="dot">dot product</option>
                <option value="l2">euclidean (l2)</option>
              </select>
              {err("distance") && <small className="field-error">{err("distance")}</small>}
            </div>
            <div className="field">
              <label htmlFor="collection-backend">Backend</label>
              <select id="collection-backend" value={backend} disabled={!!collection} onChange={(e) => setBackend(e.target.value)}>
                <option value="builtin">builtin</option>
                <option value="pgvector">pgvector (PostgreSQL)</option>
              </select>
              {err("backend") && <small className="field-error">{err("backend")}</small>}
            </div>
          </div>
          {collection && <small className="hint">Distance and backend are fixed once the collection exists.</small>}
          <fieldset>
            <legend>Chunking</legend>
            <div className="two-columns">
              <div className="field">
                <label htmlFor="collection-strategy">Strategy</label>
                <select
                  id="collection-strategy"
                  value={chunking.strategy}
                  onChange={(e) => setChunking({ ...chunking, strategy: e.target.value as ChunkStrategy })}
                >
                  {STRATEGIES.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </div>
              <Field
                label="Chunk size"
                type="number"
                min={limits.least}
                max={limits.most}
                value={chunking.size}
                hint={`${limits.least} to ${limits.most} ${limits.unit}.`}
                onChange={(e) => setChunking({ ...chunking, size: e.target.value })}
                error={err("chunking.size")}
              />
              <Field
                label="Overlap"
                type="number"
                min={0}
                value={chunking.overlap}
                hint="What consecutive chunks share; less than half the size."
                onChange={(e) => setChunking({ ...chunking, overlap: e.target.value })}
                error={err("chunking.overlap")}
              />
            </div>
            {collection && <small className="hint">A new model or chunking re-indexes every document in the background.</small>}
          </fieldset>
          <div className="two-columns">
            <VisibilitySelect
              value={visibility}
              onChange={setVisibility}
              canPublish={can("content:publish") || can("content:manage")}
              error={err("visibility")}
            />
            <ProjectSelect value={projectId} onChange={setProjectId} projects={projects} error={err("project_id")} />
          </div>
        </fieldset>
        <ErrorBox error={save.error} fields={FIELDS} />
        {writer && (
          <button type="submit" disabled={save.busy || !checked.ok || !model}>
            {collection ? "Save" : "Create collection"}
          </button>
        )}
      </form>
    </section>
  );
}
