/**
 * Agents: a model with a system prompt (text, or a stored prompt with its variables), tools and
 * options. The server's 422s are shown beside the field they name (`options.temperature`, …).
 */
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { Agent, AgentList, Page, Project, ProjectList, Prompt, PromptList, Tool, ToolList, Visibility } from "../api/types";
import { useConfirm } from "../components/ConfirmDialog";
import { ProjectSelect, VisibilityBadge, VisibilitySelect } from "../components/ContentFields";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { KnowledgePicker } from "../components/KnowledgePicker";
import { ModelPicker, chatModels } from "../components/ModelPicker";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { VariableInputs } from "../components/VariableInputs";
import { NUMBER_OPTIONS, agentBody, agentForm, promptStartValues, slugify } from "../content/agents";
import type { AgentForm } from "../content/agents";
import { useLoad } from "../hooks";
import { go } from "../router";
import { useSession } from "../session";

/** Every field the form shows an error beside (the rest go to the box under the form). */
const FORM_FIELDS = [
  "name",
  "slug",
  "description",
  "model",
  "system_prompt",
  "prompt_id",
  "prompt_variables",
  "tool_ids",
  "visibility",
  "project_id",
  "active",
  "knowledge",
  "options",
  "options.stop",
  ...NUMBER_OPTIONS.map((o) => `options.${o.key}`),
];

/** The error for a field, or one of its children (`prompt_variables.topic`, `options.stop[0]`). */
function nearError(error: unknown, field: string): string | undefined {
  return fieldError(error, field);
}

function AgentEditor({ agent, projects, prompts, tools, onSaved }: {
  agent: Agent | null;
  projects: Project[];
  prompts: Prompt[];
  tools: Tool[];
  onSaved(agent: Agent, message: string): void;
}) {
  const { can } = useSession();
  const [form, setForm] = useState<AgentForm>(() => agentForm(agent));
  const [slugTouched, setSlugTouched] = useState(!!agent);
  const writer = can("content:write");
  const set = <K extends keyof AgentForm>(key: K, value: AgentForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const prompt = prompts.find((p) => p.id === form.promptId) ?? null;
  const save = useAction(async () => {
    const body = agentBody(form, prompt);
    if (agent) {
      const updated = await api.patch<Agent>(`/api/v1/agents/${agent.id}`, body);
      onSaved(updated, `Saved “${updated.name}”.`);
    } else {
      const created = await api.post<Agent>("/api/v1/agents", body);
      onSaved(created, `Created “${created.name}”.`);
    }
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const err = (field: string) => nearError(save.error, field);
  const promptFields = prompt ? prompt.variables.map((v) => `prompt_variables.${v.name}`) : [];
  const toolsKnown = new Set(tools.map((t) => t.id));

  return (
    <section className="card" aria-labelledby="agent-editor-title">
      <h2 id="agent-editor-title">{agent ? `Edit “${agent.name}”` : "New agent"}</h2>
      {agent && (
        <p className="muted small-text">
          <VisibilityBadge value={agent.visibility} /> · <code>agent:{agent.slug}</code> · changed <Time value={agent.updated_at} />
        </p>
      )}
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={!writer}>
          <div className="two-columns">
            <Field
              label="Agent name"
              value={form.name}
              required
              onChange={(e) => {
                const name = e.target.value;
                setForm((f) => ({ ...f, name, slug: slugTouched ? f.slug : slugify(name) }));
              }}
              error={err("name")}
            />
            <Field
              label="Slug"
              value={form.slug}
              required
              pattern="[a-z0-9\-]{1,48}"
              title="1 to 48 of a-z, 0-9 and -"
              hint="OpenAI clients call it agent:<slug>."
              onChange={(e) => {
                setSlugTouched(true);
                set("slug", e.target.value);
              }}
              error={err("slug")}
            />
          </div>
          <div className="field">
            <label htmlFor="agent-description">Description</label>
            <textarea id="agent-description" rows={2} value={form.description} onChange={(e) => set("description", e.target.value)} />
            {err("description") && <small className="field-error">{err("description")}</small>}
          </div>
          <ModelPicker value={form.model} onChange={(m) => set("model", m)} filter={chatModels} />
          {err("model") && <small className="field-error">{err("model")}</small>}

          <fieldset className="agent-source">
            <legend>System prompt</legend>
            <label className="check">
              <input type="radio" name="agent-source" checked={form.source === "text"} onChange={() => set("source", "text")} />
              Text
            </label>
            <label className="check">
              <input type="radio" name="agent-source" checked={form.source === "prompt"} onChange={() => set("source", "prompt")} />
              A prompt
            </label>
            {form.source === "text" ? (
              <div className="field">
                <label htmlFor="agent-system">System prompt text</label>
                <textarea
                  id="agent-system"
                  rows={5}
                  value={form.systemPrompt}
                  aria-invalid={err("system_prompt") ? true : undefined}
                  onChange={(e) => set("systemPrompt", e.target.value)}
                />
                {err("system_prompt") && <small className="field-error">{err("system_prompt")}</small>}
              </div>
            ) : (
              <>
                <div className="field">
                  <label htmlFor="agent-prompt">Prompt</label>
                  <select
                    id="agent-prompt"
                    value={form.promptId}
                    aria-invalid={err("prompt_id") ? true : undefined}
                    onChange={(e) => {
                      const chosen = prompts.find((p) => p.id === e.target.value);
                      setForm((f) => ({
                        ...f,
                        promptId: e.target.value,
                        promptValues: chosen ? promptStartValues(chosen, f.promptValues) : {},
                      }));
                    }}
                  >
                    <option value="">Choose…</option>
                    {form.promptId && !prompt && <option value={form.promptId}>{form.promptId}</option>}
                    {prompts.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name} (/{p.command})
                      </option>
                    ))}
                  </select>
                  {err("prompt_id") && <small className="field-error">{err("prompt_id")}</small>}
                </div>
                {prompt && (
                  <VariableInputs
                    variables={prompt.variables}
                    values={form.promptValues}
                    onChange={(v) => set("promptValues", v)}
                  />
                )}
                {prompt &&
                  promptFields.map((f) => err(f) && <small key={f} className="field-error">{f.slice(17)}: {err(f)}</small>)}
                {err("prompt_variables") && <small className="field-error">{err("prompt_variables")}</small>}
              </>
            )}
          </fieldset>

          <fieldset>
            <legend>Tools</legend>
            {tools.length === 0 && form.toolIds.length === 0 && <p className="muted small-text">No tools to offer.</p>}
            <div className="check-list">
              {tools.map((t) => (
                <label key={t.id} className="check">
                  <input
                    type="checkbox"
                    checked={form.toolIds.includes(t.id)}
                    onChange={(e) =>
                      set("toolIds", e.target.checked ? [...form.toolIds, t.id] : form.toolIds.filter((id) => id !== t.id))
                    }
                  />
                  {t.name}
                </label>
              ))}
              {form.toolIds
                .filter((id) => !toolsKnown.has(id))
                .map((id) => (
                  <label key={id} className="check">
                    <input type="checkbox" checked onChange={() => set("toolIds", form.toolIds.filter((x) => x !== id))} />
                    {id}
                  </label>
                ))}
            </div>
            {err("tool_ids") && <small className="field-error">{err("tool_ids")}</small>}
          </fieldset>

          <KnowledgePicker value={form.knowledge} onChange={(ids) => set("knowledge", ids)} error={err("knowledge")} />

          <fieldset>
            <legend>Options</legend>
            <div className="two-columns">
              {NUMBER_OPTIONS.map((o) => (
                <Field
                  key={o.key}
                  label={o.label}
                  type="number"
                  min={o.min}
                  max={o.max}
                  step={o.step}
                  value={form.options[o.key]}
                  hint={o.hint}
                  onChange={(e) => set("options", { ...form.options, [o.key]: e.target.value })}
                  error={err(`options.${o.key}`)}
                />
              ))}
            </div>
            <div className="field">
              <span className="label-text">Stop sequences</span>
              <ul className="stop-list" aria-label="Stop sequences">
                {form.stop.map((s, i) => (
                  <li key={i} className="inline-form">
                    <input
                      aria-label={`Stop sequence ${i + 1}`}
                      value={s}
                      onChange={(e) => set("stop", form.stop.map((x, j) => (j === i ? e.target.value : x)))}
                    />
                    <button type="button" className="secondary" onClick={() => set("stop", form.stop.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" className="secondary" disabled={form.stop.length >= 8} onClick={() => set("stop", [...form.stop, ""])}>
                Add stop sequence
              </button>
              <small className="hint">Up to 8.</small>
              {(err("options.stop") || err("options")) && <small className="field-error">{err("options.stop") ?? err("options")}</small>}
            </div>
          </fieldset>

          <div className="two-columns">
            <VisibilitySelect
              value={form.visibility}
              onChange={(v: Visibility) => set("visibility", v)}
              canPublish={can("content:publish") || can("content:manage")}
              error={err("visibility")}
            />
            <ProjectSelect value={form.projectId} onChange={(v) => set("projectId", v)} projects={projects} error={err("project_id")} />
          </div>
          <label className="check">
            <input type="checkbox" checked={form.active} onChange={(e) => set("active", e.target.checked)} />
            Active (may be used)
          </label>
        </fieldset>
        <ErrorBox error={save.error} fields={[...FORM_FIELDS, ...promptFields]} />
        {writer && (
          <button type="submit" disabled={save.busy}>
            {agent ? "Save" : "Create agent"}
          </button>
        )}
      </form>
    </section>
  );
}

export function Agents() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [q, setQ] = useState("");
  const [current, setCurrent] = useState<Agent | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<AgentList>("/api/v1/agents", { q: q.trim(), limit: 500 }), [q]);
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const prompts = useLoad(() => api.get<PromptList>("/api/v1/prompts", { limit: 500 }).catch(() => null), []);
  const tools = useLoad(() => api.get<ToolList>("/api/v1/tools", { limit: 500 }).catch(() => null), []);
  const items = (list.data as Page<Agent> | null)?.items ?? [];
  const open = (agent: Agent | null) => {
    setNotice(null);
    setCreating(agent === null);
    setCurrent(agent);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };
  const remove = useAction(async (agent: Agent) => {
    const ok = await confirm({
      action: "Delete agent",
      object: agent.name,
      consequence: "Nobody can chat with it any more; conversations with it keep their messages.",
    });
    if (!ok) return;
    await api.delete(`/api/v1/agents/${agent.id}`);
    setCurrent(null);
    setNotice(`Deleted “${agent.name}”.`);
    void list.reload();
  });

  return (
    <div className="page">
      <h1>Agents</h1>
      <div className="split">
        <section className="card" aria-labelledby="agent-list-title">
          <h2 id="agent-list-title">All agents</h2>
          <div className="inline-form">
            <Field label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={() => open(null)}>
                New agent
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={3} label="Loading agents" />}
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
              {q.trim() ? `No agents match “${q.trim()}”.` : "No agents yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Agents">
              {items.map((a) => (
                <li key={a.id}>
                  <button
                    type="button"
                    className={a.id === current?.id ? "selected" : undefined}
                    aria-current={a.id === current?.id ? "true" : undefined}
                    onClick={() => open(a)}
                  >
                    <span>
                      <strong>{a.name}</strong> <span className="muted small-text">{a.model}</span>
                    </span>
                    <span className="badges">
                      <span className={`badge ${a.active ? "active" : "disabled"}`}>{a.active ? "active" : "off"}</span>{" "}
                      <VisibilityBadge value={a.visibility} />
                    </span>
                    {a.description && <span className="muted small-text">{a.description}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!current && !creating && items.length > 0 && <p className="muted">Choose an agent to see or change it.</p>}
          {(current || creating) && (
            <AgentEditor
              key={current ? `${current.id}:${current.updated_at}` : "new"}
              agent={current}
              projects={projects.data?.items ?? []}
              prompts={prompts.data?.items ?? []}
              tools={(tools.data?.items as Tool[] | undefined) ?? []}
              onSaved={(agent, message) => {
                setCreating(false);
                setCurrent(agent);
                setNotice(message);
                void list.reload();
              }}
            />
          )}
          {current && (
            <div className="buttons">
              {can("models:use") && current.active && (
                <button type="button" onClick={() => void go(`/chat?agent=${encodeURIComponent(current.id)}`)}>
                  Chat with this agent
                </button>
              )}
              {can("content:write") && (
                <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(current)}>
                  Delete agent
                </button>
              )}
              <ErrorBox error={remove.error} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
