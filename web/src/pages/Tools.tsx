/**
 * Tools: function definitions for function calling. The parameters are a JSON Schema typed as
 * text: a syntax error is shown as soon as it is there, the server's schema faults (with the
 * path of the fault) beside the text after a save.
 */
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { ApiError, sentence } from "../api/problem";
import type { Project, ProjectList, Tool, ToolList, Visibility } from "../api/types";
import { useConfirm } from "../components/ConfirmDialog";
import { ProjectSelect, VisibilityBadge, VisibilitySelect } from "../components/ContentFields";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { parseJsonObject } from "../content/variables";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const EXAMPLE = `{
  "type": "object",
  "properties": {
    "city": { "type": "string", "description": "City name" }
  },
  "required": ["city"]
}`;

/** The server's faults in the schema: `parameters…` paths with their messages. */
export function schemaFaults(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors
    .filter((e) => e.field === "parameters" || e.field.startsWith("parameters.") || e.field.startsWith("parameters["))
    .map((e) => ({ path: e.field, message: sentence(e.message) }));
}

function ToolEditor({ tool, projects, onSaved }: {
  tool: Tool | null;
  projects: Project[];
  onSaved(tool: Tool, message: string): void;
}) {
  const { can } = useSession();
  const [name, setName] = useState(tool?.name ?? "");
  const [description, setDescription] = useState(tool?.description ?? "");
  const [schema, setSchema] = useState(tool ? JSON.stringify(tool.parameters, null, 2) : EXAMPLE);
  const [visibility, setVisibility] = useState<Visibility>(tool?.visibility ?? "private");
  const [projectId, setProjectId] = useState(tool?.project_id ?? "");
  const writer = can("content:write");
  const parsed = parseJsonObject(schema);
  const save = useAction(async () => {
    if (!parsed.ok) return;
    const body = {
      name: name.trim(),
      description: description.trim(),
      parameters: parsed.value,
      visibility,
      project_id: projectId || null,
    };
    if (tool) {
      const updated = await api.patch<Tool>(`/api/v1/tools/${tool.id}`, body);
      onSaved(updated, `Saved “${updated.name}”.`);
    } else {
      const created = await api.post<Tool>("/api/v1/tools", body);
      onSaved(created, `Created “${created.name}”.`);
    }
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const faults = schemaFaults(save.error);
  const shown = ["name", "description", "visibility", "project_id", ...faults.map((f) => f.path)];

  return (
    <section className="card" aria-labelledby="tool-editor-title">
      <h2 id="tool-editor-title">{tool ? `Edit “${tool.name}”` : "New tool"}</h2>
      {tool && (
        <p className="muted small-text">
          <VisibilityBadge value={tool.visibility} /> · changed <Time value={tool.updated_at} />
        </p>
      )}
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={!writer}>
          <Field
            label="Function name"
            value={name}
            required
            pattern="[A-Za-z0-9_\-]{1,64}"
            title="1 to 64 of A-Z, a-z, 0-9, _ and -"
            placeholder="e.g. get_weather"
            onChange={(e) => setName(e.target.value)}
            error={fieldError(save.error, "name")}
          />
          <div className="field">
            <label htmlFor="tool-description">Description</label>
            <textarea id="tool-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
            <small className="hint">What it does, for the model.</small>
            {fieldError(save.error, "description") && <small className="field-error">{fieldError(save.error, "description")}</small>}
          </div>
          <div className="field">
            <label htmlFor="tool-schema">Parameters (JSON Schema)</label>
            <textarea
              id="tool-schema"
              className="code"
              rows={12}
              spellCheck={false}
              value={schema}
              aria-invalid={!parsed.ok || faults.length > 0 ? true : undefined}
              aria-describedby="tool-schema-errors"
              onChange={(e) => {
                setSchema(e.target.value);
                if (faults.length) save.setError(null);
              }}
            />
            <div id="tool-schema-errors">
              {!parsed.ok && (
                <small className="field-error" data-testid="json-error">
                  {parsed.message}
                </small>
              )}
              {faults.length > 0 && (
                <ul className="field-error schema-faults" aria-label="Schema problems">
                  {faults.map((f) => (
                    <li key={f.path}>
                      <code>{f.path}</code>: {f.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <small className="hint">An object schema: type “object”, its properties, and which are required.</small>
          </div>
          <div className="two-columns">
            <VisibilitySelect
              value={visibility}
              onChange={setVisibility}
              canPublish={can("content:publish") || can("content:manage")}
              error={fieldError(save.error, "visibility")}
            />
            <ProjectSelect value={projectId} onChange={setProjectId} projects={projects} error={fieldError(save.error, "project_id")} />
          </div>
        </fieldset>
        <ErrorBox error={save.error} fields={shown} />
        {writer && (
          <button type="submit" disabled={save.busy || !parsed.ok}>
            {tool ? "Save" : "Create tool"}
          </button>
        )}
      </form>
    </section>
  );
}

export function Tools() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [q, setQ] = useState("");
  const [current, setCurrent] = useState<Tool | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<ToolList>("/api/v1/tools", { q: q.trim(), limit: 500 }), [q]);
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const items = list.data?.items ?? [];
  const open = (tool: Tool | null) => {
    setNotice(null);
    setCreating(tool === null);
    setCurrent(tool);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };
  const remove = useAction(async (tool: Tool) => {
    const ok = await confirm({
      action: "Delete tool",
      object: tool.name,
      consequence: "Chats and agents can no longer call it, and it is removed from every user's allowed tools.",
    });
    if (!ok) return;
    await api.delete(`/api/v1/tools/${tool.id}`);
    setCurrent(null);
    setNotice(`Deleted “${tool.name}”.`);
    void list.reload();
  });

  return (
    <div className="page">
      <h1>Tools</h1>
      <div className="split">
        <section className="card" aria-labelledby="tool-list-title">
          <h2 id="tool-list-title">All tools</h2>
          <div className="inline-form">
            <Field label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={() => open(null)}>
                New tool
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={3} label="Loading tools" />}
          {list.data && items.length === 0 && (
            <EmptyState
              action={
                q.trim() && (
                  <button type="button" className="secondary" onClick={() => setQ("")}>
                    Clear filter
                  </button>
                )
              }
            >
              {q.trim() ? `No tools match “${q.trim()}”.` : "No tools yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Tools">
              {items.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    className={t.id === current?.id ? "selected" : undefined}
                    aria-current={t.id === current?.id ? "true" : undefined}
                    onClick={() => open(t)}
                  >
                    <span>
                      <strong>{t.name}</strong>
                    </span>
                    <VisibilityBadge value={t.visibility} />
                    {t.description && <span className="muted small-text">{t.description}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!current && !creating && items.length > 0 && <p className="muted">Choose a tool to see or change its definition.</p>}
          {(current || creating) && (
            <ToolEditor
              key={current ? `${current.id}:${current.updated_at}` : "new"}
              tool={current}
              projects={projects.data?.items ?? []}
              onSaved={(tool, message) => {
                setCreating(false);
                setCurrent(tool);
                setNotice(message);
                void list.reload();
              }}
            />
          )}
          {current && can("content:write") && (
            <div className="buttons">
              <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(current)}>
                Delete tool
              </button>
              <ErrorBox error={remove.error} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
