/** Pending sign-ups: approve with roles and allowed models/tools, or reject. */
import { useState } from "react";
import { api } from "../api/client";
import type { ModelList, RoleView, UserPage, UserView } from "../api/types";
import { ErrorBox, Field, Notice, useAction } from "../components/forms";
import { formatTime } from "../format";
import { useLoad } from "../hooks";

function splitList(text: string): string[] | null {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : null;
}

function PendingUser({
  user,
  roles,
  models,
  onDone,
}: {
  user: UserView;
  roles: RoleView[];
  models: string[];
  onDone(message: string): void;
}) {
  const [picked, setPicked] = useState<string[]>(["user"]);
  const [allowedModels, setAllowedModels] = useState<string[]>([]);
  const [tools, setTools] = useState("");
  const [notes, setNotes] = useState("");
  const decide = useAction(async (approved: boolean) => {
    await api.post(`/api/v1/admin/users/${user.id}/approve`, {
      approved,
      roles: approved ? picked : null,
      allowed_model_ids: approved && allowedModels.length ? allowedModels : null,
      allowed_tool_ids: approved ? splitList(tools) : null,
      admin_notes: notes.trim() || null,
    });
    onDone(`${approved ? "Approved" : "Rejected"} ${user.email}`);
  });
  const toggle = (list: string[], set: (l: string[]) => void, name: string) =>
    set(list.includes(name) ? list.filter((x) => x !== name) : [...list, name]);

  return (
    <li className="card" aria-label={`Pending ${user.email}`}>
      <h2>{user.email}</h2>
      <p className="muted">
        {user.full_name && `${user.full_name} · `}registered {formatTime(user.created_at)}
      </p>
      <fieldset>
        <legend>Roles</legend>
        {roles.map((role) => (
          <label className="check" key={role.id}>
            <input
              type="checkbox"
              checked={picked.includes(role.name)}
              onChange={() => toggle(picked, setPicked, role.name)}
            />
            {role.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Allowed models (none ticked: any the roles allow)</legend>
        {models.length === 0 && <p className="muted">No models listed.</p>}
        {models.map((name) => (
          <label className="check" key={name}>
            <input
              type="checkbox"
              checked={allowedModels.includes(name)}
              onChange={() => toggle(allowedModels, setAllowedModels, name)}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <Field
        label="Allowed tools (comma-separated ids, empty: any)"
        value={tools}
        onChange={(e) => setTools(e.target.value)}
      />
      <Field label="Admin notes" value={notes} onChange={(e) => setNotes(e.target.value)} />
      <ErrorBox error={decide.error} />
      <div className="buttons">
        <button type="button" disabled={decide.busy} onClick={() => void decide.run(true)}>
          Approve
        </button>
        <button
          type="button"
          className="danger"
          disabled={decide.busy}
          onClick={() => void decide.run(false)}
        >
          Reject
        </button>
      </div>
    </li>
  );
}

export function Pending() {
  const pending = useLoad(() => api.get<UserPage>("/api/v1/admin/users/pending", { limit: 200 }), []);
  const roles = useLoad(() => api.get<RoleView[]>("/api/v1/roles"), []);
  // Ollama may be down: approvals still work, only without the model choice.
  const models = useLoad(() => api.get<ModelList>("/api/v1/models").catch(() => null), []);
  const [message, setMessage] = useState<string | null>(null);
  const names = models.data?.items.map((m) => m.name) ?? [];

  return (
    <div className="page">
      <h1>Pending approvals</h1>
      <button type="button" className="secondary" onClick={() => void pending.reload()}>
        Refresh
      </button>
      {message && <Notice>{message}</Notice>}
      <ErrorBox error={pending.error} />
      {pending.data && pending.data.items.length === 0 && (
        <p className="muted">Nobody is waiting for approval.</p>
      )}
      <ul className="plain-list">
        {pending.data?.items.map((user) => (
          <PendingUser
            key={user.id}
            user={user}
            roles={roles.data ?? []}
            models={names}
            onDone={(m) => {
              setMessage(m);
              void pending.reload();
            }}
          />
        ))}
      </ul>
    </div>
  );
}
