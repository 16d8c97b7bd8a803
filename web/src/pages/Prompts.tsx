/**
 * Prompts: a searchable list with a tag filter; the editor (variables, tags, visibility,
 * project) with server faults beside the fields and a clear path out of a stale save; the
 * version history with a line diff and restore; a "Try it" panel that renders and runs it.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { streamChat } from "../api/chat";
import { renderPrompt } from "../api/content";
import { ApiError } from "../api/problem";
import type {
  Project,
  ProjectList,
  Prompt,
  PromptList,
  PromptVersion,
  Rendered,
  Visibility,
  VersionList,
} from "../api/types";
import { useConfirm } from "../components/ConfirmDialog";
import { DiffView, ProjectSelect, VisibilityBadge, VisibilitySelect } from "../components/ContentFields";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { Markdown } from "../components/Markdown";
import { ModelPicker, chatModels } from "../components/ModelPicker";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { VariableInputs, variableFields } from "../components/VariableInputs";
import { VariablesEditor } from "../components/VariablesEditor";
import { diffLines } from "../content/diff";
import {
  emptyVariable,
  fromVariable,
  initialValues,
  missingRequired,
  parseTags,
  toVariable,
  undeclared,
} from "../content/variables";
import type { Values, VariableDraft } from "../content/variables";
import { useLoad } from "../hooks";
import { guardLeaving } from "../router";
import { useSession } from "../session";

/** What the editor holds, all as typed. */
interface Draft {
  name: string;
  command: string;
  content: string;
  variables: VariableDraft[];
  tags: string;
  visibility: Visibility;
  projectId: string;
  message: string;
}

function draftOf(prompt: Prompt | null): Draft {
  return {
    name: prompt?.name ?? "",
    command: prompt?.command ?? "",
    content: prompt?.content ?? "",
    variables: prompt ? prompt.variables.map(fromVariable) : [],
    tags: prompt?.tags.join(", ") ?? "",
    visibility: prompt?.visibility ?? "private",
    projectId: prompt?.project_id ?? "",
    message: "",
  };
}

/** The fields a save sends (everything but the version message). */
function payloadOf(d: Draft) {
  return {
    name: d.name.trim(),
    command: d.command.trim().replace(/^\//, ""),
    content: d.content,
    variables: d.variables.map(toVariable),
    tags: parseTags(d.tags),
    visibility: d.visibility,
    project_id: d.projectId || null,
  };
}

const SHOWN = ["name", "command", "content", "tags", "visibility", "project_id", "message"];
const MEMBERS = ["name", "type", "default", "options", "description", "required"];

/** A 409 because someone saved a newer version first. */
const isStale = (err: unknown) => err instanceof ApiError && err.status === 409 && !!err.fieldError("base_version");

function PromptEditor({ prompt, projects, onSaved, onDirty }: {
  prompt: Prompt | null;
  projects: Project[];
  onSaved(prompt: Prompt, message: string): void;
  onDirty(dirty: boolean): void;
}) {
  const { can } = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftOf(prompt));
  const [base, setBase] = useState(prompt?.version ?? 0);
  const [latest, setLatest] = useState<Prompt | null>(null);
  const writer = can("content:write");
  const canPublish = can("content:publish") || can("content:manage");
  const dirty = JSON.stringify(payloadOf(draft)) !== JSON.stringify(payloadOf(draftOf(prompt))) || draft.message.trim() !== "";
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  useEffect(() => () => onDirty(false), [onDirty]);

  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const save = useAction(async () => {
    const body = { ...payloadOf(draft), message: draft.message.trim() || null };
    if (prompt) {
      const updated = await api.patch<Prompt>(`/api/v1/prompts/${prompt.id}`, { ...body, base_version: base });
      setLatest(null);
      onSaved(
        updated,
        updated.version > base ? `Saved “${updated.name}” as version ${updated.version}.` : `Saved “${updated.name}”.`,
      );
    } else {
      const created = await api.post<Prompt>("/api/v1/prompts", body);
      onSaved(created, `Created “${created.name}” (version 1).`);
    }
  });
  // Loads the newest version beside the user's text; saving then applies their text on top of it.
  const reload = useAction(async () => {
    if (!prompt) return;
    const fresh = await api.get<Prompt>(`/api/v1/prompts/${prompt.id}`);
    setLatest(fresh);
    setBase(fresh.version);
    save.setError(null);
  });
  const discard = () => {
    if (latest) onSaved(latest, `Showing version ${latest.version}; your text was discarded.`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const stale = isStale(save.error);
  const missing = undeclared(draft.content, draft.variables);
  const shown = [...SHOWN, ...draft.variables.flatMap((_, i) => MEMBERS.map((m) => `variables[${i}].${m}`))];
  const err = (field: string) => fieldError(save.error, field);

  return (
    <section className="card" aria-labelledby="editor-title">
      <h2 id="editor-title">{prompt ? `Edit “${prompt.name}”` : "New prompt"}</h2>
      {prompt && (
        <p className="muted small-text">
          Version {prompt.version} · <VisibilityBadge value={prompt.visibility} /> · changed <Time value={prompt.updated_at} />
        </p>
      )}
      {!writer && <Notice kind="info">You can read and try prompts; changing them needs the content:write permission.</Notice>}
      <form onSubmit={submit}>
        <fieldset className="plain" disabled={!writer}>
          <div className="two-columns">
            <Field label="Prompt name" value={draft.name} required maxLength={120} onChange={(e) => set({ name: e.target.value })} error={err("name")} />
            <Field
              label="Command"
              value={draft.command}
              required
              placeholder="e.g. review"
              pattern="/?[a-z0-9\-]{1,48}"
              title="1 to 48 of a-z, 0-9 and -"
              onChange={(e) => set({ command: e.target.value.toLowerCase() })}
              error={err("command")}
              hint={<>Type /{draft.command.replace(/^\//, "") || "command"} in the chat to use it.</>}
            />
          </div>
          <div className="field">
            <label htmlFor="prompt-content">Content</label>
            <textarea
              id="prompt-content"
              rows={8}
              value={draft.content}
              required
              aria-invalid={err("content") ? true : undefined}
              aria-describedby="prompt-content-hint"
              onChange={(e) => set({ content: e.target.value })}
            />
            <small className="hint" id="prompt-content-hint">
              Use variables as {"{{name}}"}; built-ins: {"{{CURRENT_DATE}}"}, {"{{CURRENT_TIME}}"}, {"{{USER_NAME}}"},{" "}
              {"{{USER_EMAIL}}"}; write {"\\{{"} for literal braces.
            </small>
            {err("content") && <small className="field-error">{err("content")}</small>}
            {missing.length > 0 && (
              <p className="message warning" role="status">
                The content uses {missing.map((n) => `{{${n}}}`).join(", ")}, which {missing.length === 1 ? "is" : "are"} not declared.{" "}
                <button
                  type="button"
                  className="link"
                  onClick={() => set({ variables: [...draft.variables, ...missing.map((n) => emptyVariable(n))] })}
                >
                  Declare {missing.length === 1 ? "it" : "them"}
                </button>
              </p>
            )}
          </div>
          <VariablesEditor variables={draft.variables} onChange={(variables) => set({ variables })} error={save.error} />
          <div className="two-columns">
            <Field label="Tags" value={draft.tags} placeholder="comma separated, e.g. rust, review" onChange={(e) => set({ tags: e.target.value })} error={err("tags")} />
            <VisibilitySelect value={draft.visibility} onChange={(visibility) => set({ visibility })} canPublish={canPublish} error={err("visibility")} />
            <ProjectSelect value={draft.projectId} onChange={(projectId) => set({ projectId })} projects={projects} error={err("project_id")} />
            <Field
              label="Version message"
              value={draft.message}
              placeholder="optional: what changed"
              onChange={(e) => set({ message: e.target.value })}
              error={err("message")}
            />
          </div>
        </fieldset>
        {stale ? (
          <div className="message warning" role="alert">
            <p>
              Someone saved a newer version of this prompt while you were editing it, so your save was not applied.
              Your text is still here.
            </p>
            <div className="buttons">
              <button type="button" onClick={() => void reload.run()} disabled={reload.busy}>
                Load the latest version and keep my text
              </button>
            </div>
          </div>
        ) : (
          <ErrorBox error={save.error} fields={shown} />
        )}
        <ErrorBox error={reload.error} />
        {latest && (
          <div className="message info" role="status">
            <p>
              Loaded version {latest.version}. Below is how your text differs from it; save again to apply your text on top of
              it, or discard your text.
            </p>
            <DiffView lines={diffLines(latest.content, draft.content)} label={`From version ${latest.version} to your text`} />
            <button type="button" className="secondary small" onClick={discard}>
              Discard my text, use version {latest.version}
            </button>
          </div>
        )}
        {writer && (
          <div className="buttons">
            <button type="submit" disabled={save.busy || (!!prompt && !dirty && !latest)}>
              {prompt ? "Save" : "Create prompt"}
            </button>
            {prompt && dirty && (
              <button type="button" className="secondary" onClick={() => setDraft(draftOf(prompt))}>
                Undo changes
              </button>
            )}
          </div>
        )}
      </form>
    </section>
  );
}

function Versions({ prompt, dirty, onRestored }: { prompt: Prompt; dirty: boolean; onRestored(prompt: Prompt): void }) {
  const { can } = useSession();
  const confirm = useConfirm();
  const versions = useLoad(
    () => api.get<VersionList>(`/api/v1/prompts/${prompt.id}/versions`, { limit: 500 }),
    [prompt.id, prompt.version],
  );
  const items = versions.data?.items ?? [];
  const [chosen, setChosen] = useState<number | null>(null);
  // By default compare with the version before the current one.
  const n = chosen ?? items.find((v) => v.version !== prompt.version)?.version ?? null;
  const version = useLoad(
    () => (n === null ? Promise.resolve(null) : api.get<PromptVersion>(`/api/v1/prompts/${prompt.id}/versions/${n}`)),
    [prompt.id, n],
  );
  const [done, setDone] = useState<string | null>(null);
  const restore = useAction(async (v: number) => {
    const restored = await api.post<Prompt>(`/api/v1/prompts/${prompt.id}/versions/${v}/restore`, {});
    setDone(`Restored version ${v} as version ${restored.version}.`);
    setChosen(null);
    onRestored(restored);
  });
  const ask = async (v: number) => {
    if (dirty) {
      const ok = await confirm({
        action: `Restore version ${v}`,
        object: prompt.name,
        consequence: "It becomes the newest version; the unsaved changes in the editor are discarded.",
      });
      if (!ok) return;
    }
    void restore.run(v);
  };
  const shown = version.data && version.data.version === n ? version.data : null;
  const varNames = (vs: { name: string }[]) => vs.map((v) => v.name).join(", ") || "none";

  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Version history</h2>
      <ErrorBox error={versions.error} />
      {versions.loading && !versions.data && <Skeleton rows={2} label="Loading versions" />}
      {items.length > 0 && (
        <ul className="select-list versions" aria-label="Versions">
          {items.map((v) => (
            <li key={v.version}>
              <button
                type="button"
                className={v.version === n ? "selected" : undefined}
                aria-pressed={v.version === n}
                disabled={v.version === prompt.version}
                onClick={() => setChosen(v.version)}
              >
                <span>
                  Version {v.version}
                  {v.version === prompt.version && " (current)"}
                  {v.message && <span className="muted"> · {v.message}</span>}
                </span>
                <span className="muted small-text">
                  <Time value={v.created_at} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {items.length === 1 && <p className="muted small-text">Only one version so far: saving a change of the content or variables makes the next.</p>}
      <ErrorBox error={version.error} />
      {shown && (
        <>
          <DiffView lines={diffLines(shown.content, prompt.content)} label={`Changes from version ${shown.version} to the current version ${prompt.version}`} />
          {varNames(shown.variables) !== varNames(prompt.variables) && (
            <p className="small-text">
              Variables in version {shown.version}: {varNames(shown.variables)}; now: {varNames(prompt.variables)}.
            </p>
          )}
          {can("content:write") && (
            <button type="button" className="secondary" disabled={restore.busy} onClick={() => void ask(shown.version)}>
              Restore version {shown.version}
            </button>
          )}
        </>
      )}
      <ErrorBox error={restore.error} />
      {done && <Notice kind="success">{done}</Notice>}
    </section>
  );
}

/** Render with values, read the text, and run it against a model (a stored chat). */
function TryIt({ prompt }: { prompt: Prompt }) {
  // Running needs a model; reading and rendering do not.
  const canRun = useSession().can("models:use");
  const [values, setValues] = useState<Values>(() => initialValues(prompt.variables));
  const [missing, setMissing] = useState<string[]>([]);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [model, setModel] = useState("");
  const [reply, setReply] = useState<{ text: string; streaming: boolean } | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    setValues(initialValues(prompt.variables));
    setRendered(null);
  }, [prompt.id, prompt.version]);

  const render = useAction(async () => {
    const absent = missingRequired(prompt.variables, values);
    setMissing(absent);
    if (absent.length) return null;
    const result = await renderPrompt(api, prompt, values);
    setRendered(result);
    return result;
  });
  const run = useAction(async () => {
    const absent = missingRequired(prompt.variables, values);
    setMissing(absent);
    if (absent.length) return;
    const result = await renderPrompt(api, prompt, values);
    setRendered(result);
    const controller = new AbortController();
    abort.current = controller;
    setReply({ text: "", streaming: true });
    try {
      await streamChat(
        api,
        { model, messages: [{ role: "user", content: result.text }] },
        { onDelta: (t) => setReply((r) => ({ text: (r?.text ?? "") + t, streaming: true })) },
        controller.signal,
      );
    } catch (err) {
      if (!(err instanceof DOMException && err.name === "AbortError")) throw err;
    } finally {
      abort.current = null;
      setReply((r) => (r ? { ...r, streaming: false } : r));
    }
  });

  return (
    <section className="card" aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void render.run();
        }}
      >
        <p className="muted small-text">Uses the saved version {prompt.version}.</p>
        <VariableInputs variables={prompt.variables} values={values} onChange={setValues} error={run.error ?? render.error} />
        {missing.length > 0 && (
          <p className="message warning" role="alert">
            Fill in {missing.join(", ")} first.
          </p>
        )}
        <ErrorBox error={render.error} fields={variableFields(prompt.variables)} />
        <button type="submit" className="secondary" disabled={render.busy}>
          Render
        </button>
      </form>
      {rendered && (
        <div className="rendered">
          <p className="muted small-text">Rendered text (version {rendered.version}):</p>
          <pre data-testid="rendered-text">{rendered.text}</pre>
        </div>
      )}
      {canRun && (
        <div className="inline-form">
          <ModelPicker value={model} onChange={setModel} filter={chatModels} />
          {reply?.streaming ? (
            <button type="button" className="danger" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="button" disabled={!model || run.busy} onClick={() => void run.run()}>
              Run with model
            </button>
          )}
        </div>
      )}
      <ErrorBox error={run.error} fields={variableFields(prompt.variables)} />
      {reply && (
        <div className="message assistant try-reply" data-role="assistant">
          <span className="who">{model}</span>
          <Markdown text={reply.text || (reply.streaming ? "…" : "")} />
        </div>
      )}
    </section>
  );
}

export function Prompts() {
  const { can } = useSession();
  const confirm = useConfirm();
  const [q, setQ] = useState("");
  const [tag, setTag] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [current, setCurrent] = useState<Prompt | null>(null);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const list = useLoad(() => api.get<PromptList>("/api/v1/prompts", { q: q.trim(), tag, limit: 500 }), [q, tag]);
  const all = useLoad(() => api.get<PromptList>("/api/v1/prompts", { limit: 500 }), []);
  const projects = useLoad(() => api.get<ProjectList>("/api/v1/projects", { limit: 500 }).catch(() => null), []);
  const tags = useMemo(
    () => [...new Set((all.data?.items ?? []).flatMap((p) => p.tags))].sort(),
    [all.data],
  );
  const items = list.data?.items ?? [];
  // Unsaved edits: leaving the screen (in the app, reload, close) asks first.
  useEffect(() => {
    if (!dirty) return;
    return guardLeaving(() =>
      confirm({
        action: "Leave without saving",
        object: current?.name ?? "new prompt",
        consequence: "Your unsaved changes in the prompt editor are lost.",
      }),
    );
  }, [dirty, confirm, current?.name]);

  const leaveEditor = async () =>
    !dirty ||
    confirm({
      action: "Discard changes",
      object: current?.name ?? "new prompt",
      consequence: "Your unsaved changes in the editor are lost.",
    });
  const open = async (prompt: Prompt | null) => {
    if (!(await leaveEditor())) return;
    setNotice(null);
    setCreating(prompt === null);
    setOpenId(prompt?.id ?? null);
    setCurrent(prompt);
    requestAnimationFrame(() => panel.current?.scrollIntoView?.({ block: "start", behavior: "smooth" }));
  };
  const refresh = () => {
    void list.reload();
    void all.reload();
  };
  const remove = useAction(async (prompt: Prompt) => {
    const ok = await confirm({
      action: "Delete prompt",
      object: prompt.name,
      consequence: `All its versions are deleted and /${prompt.command} stops working for everyone who uses it.`,
    });
    if (!ok) return;
    await api.delete(`/api/v1/prompts/${prompt.id}`);
    setCurrent(null);
    setOpenId(null);
    setNotice(`Deleted “${prompt.name}”.`);
    refresh();
  });
  const filtered = q.trim() !== "" || tag !== "";

  return (
    <div className="page">
      <h1>Prompts</h1>
      <div className="split">
        <section className="card" aria-labelledby="prompt-list-title">
          <h2 id="prompt-list-title">All prompts</h2>
          <div className="inline-form">
            <Field label="Search" type="search" value={q} placeholder="name, command or tag" onChange={(e) => setQ(e.target.value)} />
            <div className="field">
              <label htmlFor="tag-filter">Tag</label>
              <select id="tag-filter" value={tag} onChange={(e) => setTag(e.target.value)}>
                <option value="">any</option>
                {tag && !tags.includes(tag) && <option value={tag}>{tag}</option>}
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {can("content:write") && (
            <div className="toolbar">
              <button type="button" onClick={() => void open(null)}>
                New prompt
              </button>
            </div>
          )}
          <ErrorBox error={list.error} />
          {list.loading && !list.data && <Skeleton rows={4} label="Loading prompts" />}
          {list.data && items.length === 0 && (
            <EmptyState
              action={
                filtered && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setQ("");
                      setTag("");
                    }}
                  >
                    Clear filter
                  </button>
                )
              }
            >
              {filtered ? "No prompt matches the filter." : "No prompts yet."}
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="select-list" aria-label="Prompts">
              {items.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    className={p.id === openId ? "selected" : undefined}
                    aria-current={p.id === openId ? "true" : undefined}
                    onClick={() => void open(p)}
                  >
                    <span>
                      <strong>{p.name}</strong> <code>/{p.command}</code>
                    </span>
                    <VisibilityBadge value={p.visibility} />
                    <span className="muted small-text">
                      v{p.version}
                      {p.tags.length > 0 && ` · ${p.tags.join(", ")}`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack" ref={panel}>
          {notice && <Notice kind="success">{notice}</Notice>}
          {!current && !creating && items.length > 0 && <p className="muted">Choose a prompt to edit, see its versions or try it.</p>}
          {(current || creating) && (
            <PromptEditor
              key={current ? `${current.id}:${current.version}:${current.updated_at}` : "new"}
              prompt={current}
              projects={projects.data?.items ?? []}
              onDirty={setDirty}
              onSaved={(prompt, message) => {
                setCreating(false);
                setOpenId(prompt.id);
                setCurrent(prompt);
                setNotice(message);
                refresh();
              }}
            />
          )}
          {current && (
            <>
              <Versions key={current.id} prompt={current} dirty={dirty} onRestored={(p) => {
                setCurrent(p);
                refresh();
              }} />
              <TryIt prompt={current} />
              {can("content:write") && (
                <div className="buttons">
                  <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(current)}>
                    Delete prompt
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
