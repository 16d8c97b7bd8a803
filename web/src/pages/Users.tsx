/** Admin panel: create or import users, a sortable paged table with bulk actions, one user's settings. */
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { RoleView, UserPage, UserView } from "../api/types";
import { BulkBar } from "../components/Bulk";
import { useConfirm } from "../components/ConfirmDialog";
import { Credentials } from "../components/Credentials";
import { CsvImport } from "../components/CsvImport";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { SetPassword, UserSettings } from "../components/UserSettings";
import { UsersTable } from "../components/UsersTable";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const STATUSES = ["", "active", "pending", "disabled", "rejected"];

function CreateUserForm({ onCreated }: { onCreated(user: UserView): void }) {
  const [email, setEmail] = useState("");
  const [fullName, setFullName] = useState("");
  const [created, setCreated] = useState<UserView | null>(null);
  const action = useAction(async () => {
    const user = await api.post<UserView>("/api/v1/users", {
      email: email.trim(),
      full_name: fullName.trim() || null,
    });
    setCreated(user);
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
          error={fieldError(action.error, "full_name")}
        />
        <button type="submit" disabled={action.busy}>
          Create
        </button>
      </form>
      <ErrorBox error={action.error} fields={["email", "full_name"]} />
      {created && <Notice kind="success">Created {created.email}</Notice>}
      {created && created.roles.length === 0 && (
        <Notice kind="info">
          {created.email} is {created.status} with no roles yet: give them a role and a password
          below before they can use anything.
        </Notice>
      )}
    </section>
  );
}

/** Disabling one user from their panel, confirmed first, with the result said after. */
function DisableUser({ user, onChanged }: { user: UserView; onChanged(user: UserView): void }) {
  const confirm = useConfirm();
  const [done, setDone] = useState<string | null>(null);
  const action = useAction(async (active: boolean) => {
    const updated = await api.patch<UserView>(`/api/v1/users/${user.id}`, { active });
    setDone(active ? `Activated ${user.email}.` : `Disabled ${user.email}.`);
    onChanged(updated);
  });
  useEffect(() => setDone(null), [user.id]);
  const disable = async () => {
    const ok = await confirm({
      action: "Disable user",
      object: user.email,
      consequence: "They are signed out and can no longer sign in or use their API keys, until activated again.",
    });
    if (ok) void action.run(false);
  };
  return (
    <div className="buttons">
      {user.status === "active" ? (
        <button type="button" className="danger" disabled={action.busy} onClick={() => void disable()}>
          Disable user
        </button>
      ) : (
        user.status === "disabled" && (
          <button type="button" disabled={action.busy} onClick={() => void action.run(true)}>
            Activate user
          </button>
        )
      )}
      <ErrorBox error={action.error} />
      {done && <Notice kind="success">{done}</Notice>}
    </div>
  );
}

export function Users() {
  const { can } = useSession();
  const [status, setStatus] = useState("");
  const [q, setQ] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const panel = useRef<HTMLDivElement>(null);
  const users = useLoad(
    () => api.get<UserPage>("/api/v1/users", { status, q: q.trim(), limit: 500 }),
    [status, q],
  );
  const roles = useLoad(() => api.get<RoleView[]>("/api/v1/roles"), []);
  const items = users.data?.items ?? [];
  const open = items.find((u) => u.id === openId) ?? null;
  const replace = (user: UserView) =>
    users.setData((page) =>
      page ? { ...page, items: page.items.map((u) => (u.id === user.id ? user : u)) } : page,
    );
  const writer = can("users:write");
  const select = (ids: string[], on: boolean) =>
    setSelected((now) => {
      const next = new Set(now);
      ids.forEach((id) => (on ? next.add(id) : next.delete(id)));
      return next;
    });
  const filtered = status !== "" || q.trim() !== "";
  const clearFilter = () => {
    setStatus("");
    setQ("");
  };
  const openUser = (user: UserView) => {
    setOpenId(user.id);
    requestAnimationFrame(() => panel.current?.scrollIntoView({ block: "start", behavior: "smooth" }));
  };

  return (
    <div className="page">
      <h1>Users</h1>
      {writer && (
        <CreateUserForm
          onCreated={(user) => {
            setOpenId(user.id);
            void users.reload();
          }}
        />
      )}
      {writer && <CsvImport roles={roles.data ?? []} onImported={() => void users.reload()} />}
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
        {writer && (
          <BulkBar
            users={items.filter((u) => selected.has(u.id))}
            roles={roles.data ?? []}
            onDone={() => void users.reload()}
            onClear={() => setSelected(new Set())}
          />
        )}
        <ErrorBox error={users.error} />
        {users.loading && !users.data && <Skeleton rows={5} label="Loading users" />}
        {users.data && items.length === 0 && (
          <EmptyState
            action={
              filtered && (
                <button type="button" className="secondary" onClick={clearFilter}>
                  Clear filter
                </button>
              )
            }
          >
            {q.trim()
              ? `No users match “${q.trim()}”${status ? ` with status ${status}` : ""}.`
              : status
                ? `No ${status} users.`
                : "No users yet."}
          </EmptyState>
        )}
        {items.length > 0 && (
          <UsersTable users={items} selected={selected} onSelect={select} openId={openId} onOpen={openUser} />
        )}
        {users.data && users.data.total > items.length && (
          <p className="muted">
            {items.length} of {users.data.total} loaded: narrow the search to see the rest.
          </p>
        )}
      </section>
      <div className="stack" ref={panel}>
        {!open && items.length > 0 && <p className="muted">Choose “Manage” on a user to change their settings.</p>}
        {open && (
          <>
            <p className="muted">
              Created <Time value={open.created_at} />
              {open.last_login_at && (
                <>
                  , last sign-in <Time value={open.last_login_at} />
                </>
              )}
            </p>
            {writer && <DisableUser user={open} onChanged={replace} />}
            {writer && <UserSettings user={open} roles={roles.data ?? []} onSaved={replace} />}
            {writer && <SetPassword user={open} />}
            {can("api_keys:read") && <Credentials basePath={`/api/v1/users/${open.id}/api-keys`} />}
          </>
        )}
      </div>
    </div>
  );
}
