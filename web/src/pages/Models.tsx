/** Installed models (size, family, quantisation, who may use them), pull with progress, delete. */
import { useEffect, useState, useSyncExternalStore } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { pulls } from "../api/pulls";
import type { PullState } from "../api/pulls";
import type { ModelList, ModelView, RoleView, UserPage } from "../api/types";
import { useConfirm } from "../components/ConfirmDialog";
import { ErrorBox, Field, Notice, useAction } from "../components/forms";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { formatBytes } from "../format";
import { useLoad } from "../hooks";
import { useSession } from "../session";

function PullProgress({ pull }: { pull: PullState }) {
  const pct =
    pull.total && pull.completed !== undefined
      ? Math.min(100, Math.round((pull.completed / pull.total) * 100))
      : undefined;
  return (
    <li className="pull">
      <span>
        <strong>{pull.name}</strong> — {pull.phase === "failed" ? pull.error : pull.status}
      </span>
      <progress
        max={100}
        value={pull.phase === "done" ? 100 : pct}
        aria-label={`Pull of ${pull.name}`}
      />
      {pct !== undefined && pull.phase === "running" && <span>{pct}%</span>}
    </li>
  );
}

/** Who may use a model: roles with `models:use`, narrowed per user by allowed-model grants. */
function whoMayUse(model: string, roles: RoleView[], users: UserPage | undefined): string {
  const roleNames = roles.filter((r) => r.permissions.includes("models:use")).map((r) => r.name);
  const restricted = (users?.items ?? []).filter((u) => u.allowed_model_ids);
  const allowed = restricted.filter((u) => u.allowed_model_ids?.includes(model)).map((u) => u.email);
  const excluded = restricted.length - allowed.length;
  let text = roleNames.length ? `Roles: ${roleNames.join(", ")}` : "No role may use models";
  if (allowed.length) text += `; restricted users allowed: ${allowed.join(", ")}`;
  if (excluded > 0) text += `; ${excluded} restricted user(s) not allowed`;
  return text;
}

export function Models() {
  const { can } = useSession();
  const models = useLoad(() => api.get<ModelList>("/api/v1/models"), []);
  const roles = useLoad(() => api.get<RoleView[]>("/api/v1/roles").catch(() => []), []);
  const users = useLoad(
    () =>
      can("users:read")
        ? api.get<UserPage>("/api/v1/users", { limit: 500 })
        : Promise.resolve(undefined),
    [],
  );
  const active = useSyncExternalStore(pulls.subscribe, pulls.getSnapshot);
  const [name, setName] = useState("");
  // A pull that finished (perhaps while this screen was closed) changes the installed list.
  const finished = active.filter((p) => p.phase === "done").length;
  const reloadModels = models.reload;
  useEffect(() => {
    if (finished > 0) void reloadModels();
  }, [finished, reloadModels]);
  const confirm = useConfirm();
  const [message, setMessage] = useState<string | null>(null);
  const remove = useAction(async (model: ModelView) => {
    await api.delete(`/api/v1/models/${encodeURIComponent(model.name)}`);
    setMessage(`Deleted ${model.name}.`);
    await models.reload();
  });
  const askRemove = async (model: ModelView) => {
    setMessage(null);
    const ok = await confirm({
      action: "Delete model",
      object: model.name,
      consequence: `${model.name} is removed from Ollama (${formatBytes(model.size)} freed). Nobody can use it until it is pulled again.`,
    });
    if (ok) void remove.run(model);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const wanted = name.trim();
    if (!wanted) return;
    setName("");
    // Not awaited: the pull outlives this screen; the store reports its progress.
    void pulls.start(api, wanted);
  };

  return (
    <div className="page">
      <h1>Models</h1>
      <section className="card" aria-labelledby="pull-title">
        <h2 id="pull-title">Pull a model</h2>
        <form className="inline-form" onSubmit={submit}>
          <Field
            label="Model name"
            placeholder="e.g. llama3.2:latest"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit">Pull</button>
        </form>
        {active.length > 0 && (
          <>
            <ul className="plain-list">
              {active.map((p) => (
                <PullProgress key={p.name} pull={p} />
              ))}
            </ul>
            <button type="button" className="secondary small" onClick={() => pulls.clearFinished()}>
              Clear finished
            </button>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="installed-title">
        <h2 id="installed-title">Installed</h2>
        <button type="button" className="secondary small" onClick={() => void models.reload()}>
          Refresh
        </button>
        <ErrorBox error={models.error ?? remove.error} />
        {message && <Notice kind="success">{message}</Notice>}
        {models.loading && !models.data && <Skeleton rows={3} label="Loading models" />}
        {models.data && models.data.items.length === 0 && (
          <EmptyState>No models installed yet. Pull one above, e.g. llama3.2:latest.</EmptyState>
        )}
        {models.data && models.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="cards">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                  <th scope="col">Family</th>
                  <th scope="col">Parameters</th>
                  <th scope="col">Quantisation</th>
                  <th scope="col">Modified</th>
                  <th scope="col">May use</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {models.data.items.map((m) => (
                  <tr key={m.name}>
                    <td data-label="Name">{m.name}</td>
                    <td data-label="Size">{formatBytes(m.size)}</td>
                    <td data-label="Family">{m.family}</td>
                    <td data-label="Parameters">{m.parameter_size}</td>
                    <td data-label="Quantisation">{m.quantization_level}</td>
                    <td data-label="Modified">
                      <Time value={m.modified_at} />
                    </td>
                    <td className="small-text" data-label="May use">{whoMayUse(m.name, roles.data ?? [], users.data)}</td>
                    <td data-label="">
                      <button
                        type="button"
                        className="danger small"
                        aria-label={`Delete ${m.name}`}
                        disabled={remove.busy}
                        onClick={() => void askRemove(m)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
