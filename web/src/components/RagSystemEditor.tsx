/**
 * Creates or changes a RAG system: its collections, chat model, prompt template (checked for
 * `{{context}}` and `{{question}}` as the server does), retrieval settings and visibility. The
 * server's 422s sit beside the field they name, like the form's own checks.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { RAG_MODES } from "../api/rag";
import type { Collection, RagSystem } from "../api/rag";
import type { Project, Visibility } from "../api/types";
import { MAX_TOP_K, formProblems, ragBody, ragForm, templateProblem } from "../rag/form";
import type { RagForm } from "../rag/form";
import { useSession } from "../session";
import { ProjectSelect, VisibilityBadge, VisibilitySelect } from "./ContentFields";
import { ErrorBox, Field, fieldError, useAction } from "./forms";
import { ModelPicker, chatModels } from "./ModelPicker";
import { Time } from "./Time";

const FORM_FIELDS = ["name", "description", "collection_ids", "chat_model", "prompt_template", "top_k", "min_score", "mode", "visibility", "project_id"];

const MODE_TEXT: Record<string, string> = {
  hybrid: "hybrid (vectors and keywords)",
  vector: "vector (meaning)",
  lexical: "lexical (keywords)",
};

export function RagSystemEditor({ system, collections, projects, onSaved }: {
  system: RagSystem | null;
  collections: Collection[];
  projects: Project[];
  onSaved(system: RagSystem, message: string): void;
}) {
  const { can } = useSession();
  const writer = can("content:write");
  const isNew = system === null;
  const [form, setForm] = useState<RagForm>(() => ragForm(system));
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof RagForm>(key: K, value: RagForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const problems = formProblems(form, isNew);
  const save = useAction(async () => {
    const body = ragBody(form, isNew);
    if (system) {
      const updated = await api.patch<RagSystem>(`/api/v1/rag-systems/${system.id}`, body);
      onSaved(updated, `Saved “${updated.name}”.`);
    } else {
      const created = await api.post<RagSystem>("/api/v1/rag-systems", body);
      onSaved(created, `Created “${created.name}”.`);
    }
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (Object.keys(problems).length === 0) void save.run();
  };
  // The template is checked as it is typed; the other checks once the form was sent.
  const templateError = templateProblem(form.template, isNew) ?? fieldError(save.error, "prompt_template");
  const err = (field: string) => (checked ? problems[field] : undefined) ?? fieldError(save.error, field);
  const known = new Set(collections.map((c) => c.id));
  const toggle = (id: string, on: boolean) =>
    set("collectionIds", on ? [...form.collectionIds, id] : form.collectionIds.filter((x) => x !== id));

  return (
    <section className="card" aria-labelledby="rag-editor-title">
      <h2 id="rag-editor-title">{system ? `Edit “${system.name}”` : "New RAG system"}</h2>
      {system && (
        <p className="muted small-text">
          <VisibilityBadge value={system.visibility} /> · changed <Time value={system.updated_at} />
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <fieldset className="plain" disabled={!writer}>
          <Field label="RAG system name" value={form.name} required onChange={(e) => set("name", e.target.value)} error={err("name")} />
          <div className="field">
            <label htmlFor="rag-description">Description</label>
            <textarea id="rag-description" rows={2} value={form.description} onChange={(e) => set("description", e.target.value)} />
            {err("description") && <small className="field-error">{err("description")}</small>}
          </div>

          <fieldset>
            <legend>Collections</legend>
            {collections.length === 0 && form.collectionIds.length === 0 && (
              <p className="muted small-text">No collections yet: make one and add documents to it first.</p>
            )}
            <div className="check-list rag-collections">
              {collections.map((c) => (
                <label key={c.id} className="check">
                  <input type="checkbox" checked={form.collectionIds.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
                  {c.name}
                  <span className="muted small-text">
                    {c.embedding_model} · {c.state === "ready" ? `${c.indexed} indexed` : `indexing ${c.indexed}/${c.documents}`}
                  </span>
                </label>
              ))}
              {form.collectionIds
                .filter((id) => !known.has(id))
                .map((id) => (
                  <label key={id} className="check">
                    <input type="checkbox" checked onChange={() => toggle(id, false)} />
                    {id} <span className="muted small-text">(not visible to you)</span>
                  </label>
                ))}
            </div>
            {err("collection_ids") && <small className="field-error">{err("collection_ids")}</small>}
          </fieldset>

          <ModelPicker label="Chat model" value={form.chatModel} onChange={(m) => set("chatModel", m)} filter={chatModels} />
          {err("chat_model") && <small className="field-error">{err("chat_model")}</small>}

          <div className="field">
            <label htmlFor="rag-template">Prompt template</label>
            <textarea
              id="rag-template"
              className="code"
              rows={7}
              value={form.template}
              placeholder={isNew ? "(the default: answer only from the numbered sources and cite them like [1])" : undefined}
              aria-invalid={templateError ? true : undefined}
              aria-describedby="rag-template-hint"
              onChange={(e) => set("template", e.target.value)}
            />
            <small className="hint" id="rag-template-hint">
              {"{{context}}"} becomes the numbered sources, {"{{question}}"} the question.
              {isNew && " Leave it empty for the default template."}
            </small>
            {templateError && <small className="field-error">{templateError}</small>}
          </div>

          <div className="two-columns">
            <Field
              label="Sources per question (top k)"
              type="number"
              min={1}
              max={MAX_TOP_K}
              step={1}
              value={form.topK}
              onChange={(e) => set("topK", e.target.value)}
              hint={`1 to ${MAX_TOP_K}`}
              error={err("top_k")}
            />
            <Field
              label="Minimum score"
              type="number"
              step="any"
              value={form.minScore}
              onChange={(e) => set("minScore", e.target.value)}
              hint="Empty: no floor. Vector similarity, or the keyword score in lexical mode."
              error={err("min_score")}
            />
            <div className="field">
              <label htmlFor="rag-mode">Retrieval mode</label>
              <select id="rag-mode" value={form.mode} onChange={(e) => set("mode", e.target.value)}>
                {RAG_MODES.map((m) => (
                  <option key={m} value={m}>
                    {MODE_TEXT[m]}
                  </option>
                ))}
              </select>
              {err("mode") && <small className="field-error">{err("mode")}</small>}
            </div>
          </div>

          <div className="two-columns">
            <VisibilitySelect
              value={form.visibility}
              onChange={(v: Visibility) => set("visibility", v)}
              canPublish={can("content:publish") || can("content:manage")}
              error={err("visibility")}
            />
            <ProjectSelect value={form.projectId} onChange={(v) => set("projectId", v)} projects={projects} error={err("project_id")} />
          </div>
        </fieldset>
        <ErrorBox error={save.error} fields={FORM_FIELDS} />
        {writer && (
          <button type="submit" disabled={save.busy}>
            {system ? "Save" : "Create RAG system"}
          </button>
        )}
      </form>
    </section>
  );
}
