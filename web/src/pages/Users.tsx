/** Admin panel: create users, list and filter them, and manage the selected one. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { RoleView, UserPage, UserView } from "../api/types";
import { Credentials } from "../components/Credentials";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { SetPassword, UserSettings } from "../components/UserSettings";
import { formatTime } from "../format";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const STATUSES = ["", "active", "pending", "disabled", "rejected"];

function CreateUserForm({ onCreated }: { onCreated(user: UserView): void }) {
  const [email, setEmail] = useState("");
  const [fullName, setFullName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction(async () => {
    const user = await api.post<UserView>("/api/v1/users", {
      email: email.trim(),
      full_name: fullName.trim() || null,
    });
    setCreated(user.email);
    setEmail("");
    setFullName("");
    onCreated(user);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    void action.run();
  };
  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">Create user</h2>
      <form className="inline-form" onSubmit={submit}>
        <Field
          label="New user email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(action.error, "email")}
        />
        <Field
          label="New user full name"
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
        />
        <button type="submit" disabled={action.busy}>
          Create
        </button>
      </form>
      <ErrorBox error={action.error} />
      {created && <Notice>Created {created}</Notice>}
    </section>
  );
}

export function Users() {
  const { can } = useSession();
  const [status, setStatus] = useState("");
  const [q, setQ] = useState("");
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const users = useLoad(
    () => api.get<UserPage>("/api/v1/users", { status, q, limit: 200 }),
    [status, q],
  );
  const roles = useLoad(() => api.get<RoleView[]>("/api/v1/roles"), []);
  const selected = users.data?.items.find((u) => u.id === selectedId) ?? null;
  const replace = (user: UserView) =>
    users.setData((page) =>
      page ? { ...page, items: page.items.map((u) => (u.id === user.id ? user : u)) } : page,
    );
  const writer = can("users:write");

  return (
    <div className="page">
      <h1>Users</h1>
      {writer && (
        <CreateUserForm
          onCreated={(user) => {
            setSelectedId(user.id);
            void users.reload();
          }}
        />
      )}
      <div className="split">
        <section className="card" aria-labelledby="list-title">
          <h2 id="list-title">All users</h2>
          <div className="inline-form">
            <div className="field">
              <label htmlFor="status-filter">Status</label>
              <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s || "any"}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            <button type="button" className="secondary" onClick={() => void users.reload()}>
              Refresh
            </button>
          </div>
          <ErrorBox error={users.error} />
          <ul className="select-list" aria-label="Users">
            {users.data?.items.map((user) => (
              <li key={user.id}>
                <button
                  type="button"
                  aria-pressed={user.id === selectedId}
                  className={user.id === selectedId ? "selected" : ""}
                  onClick={() => setSelectedId(user.id)}
                >
                  <span>{user.email}</span>
                  <span className={`badge ${user.status}`}>{user.status}</span>
                  <small className="muted">{user.roles.join(", ") || "no roles"}</small>
                </button>
              </li>
            ))}
          </ul>
          {users.data && (
            <p className="muted">
              {users.data.items.length} of {users.data.total} shown
            </p>
          )}
        </section>
        <div className="stack">
          {!selected && <p className="muted">Select a user to change their settings.</p>}
          {selected && (
            <>
              <p className="muted">
                Created {formatTime(selected.created_at)}
                {selected.last_login_at && `, last sign-in ${formatTime(selected.last_login_at)}`}
              </p>
              {writer && <UserSettings user={selected} roles={roles.data ?? []} onSaved={replace} />}
              {writer && <SetPassword user={selected} />}
              {can("api_keys:read") && (
                <Credentials basePath={`/api/v1/users/${selected.id}/api-keys`} />
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
