/** One user's settings for an admin: Active, roles, full name, a new password. */
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { RoleView, UserView } from "../api/types";
import { ErrorBox, Field, Notice, fieldError, useAction } from "./forms";

interface Props {
  user: UserView;
  roles: RoleView[];
  onSaved(user: UserView): void;
}

export function UserSettings({ user, roles, onSaved }: Props) {
  const [active, setActive] = useState(user.status === "active");
  const [picked, setPicked] = useState<string[]>(user.roles);
  const [fullName, setFullName] = useState(user.full_name ?? "");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setActive(user.status === "active");
    setPicked(user.roles);
    setFullName(user.full_name ?? "");
  }, [user]);
  // The confirmation belongs to one user; the saved answer itself also changes `user`.
  useEffect(() => setSaved(false), [user.id]);

  const save = useAction(async () => {
    const updated = await api.patch<UserView>(`/api/v1/users/${user.id}`, {
      active,
      roles: picked,
      full_name: fullName.trim() || null,
    });
    setSaved(true);
    onSaved(updated);
  });
  const toggle = (name: string) =>
    setPicked((now) => (now.includes(name) ? now.filter((r) => r !== name) : [...now, name]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };

  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings of {user.email}</h2>
      <p className="muted">
        Status: <span className={`badge ${user.status}`}>{user.status}</span>
      </p>
      <form onSubmit={submit}>
        <Field
          label="Full name"
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={fieldError(save.error, "full_name")}
        />
        <label className="check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
          Active
        </label>
        <fieldset>
          <legend>Roles</legend>
          {roles.map((role) => (
            <label className="check" key={role.id} title={role.description}>
              <input
                type="checkbox"
                checked={picked.includes(role.name)}
                onChange={() => toggle(role.name)}
              />
              {role.name}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={save.error} fields={["full_name"]} />
        {saved && <Notice kind="success">Saved settings of {user.email}.</Notice>}
        {active && picked.length === 0 && (
          <Notice kind="warning">
            Active with no roles: {user.email} can sign in but use nothing. Pick a role, e.g. “user”.
          </Notice>
        )}
        <button type="submit" disabled={save.busy}>
          Save settings
        </button>
      </form>
    </section>
  );
}

export function SetPassword({ user }: { user: UserView }) {
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const action = useAction(async () => {
    await api.put(`/api/v1/users/${user.id}/password`, { password });
    setPassword("");
    setDone(true);
  });
  useEffect(() => setDone(false), [user.id]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Set password</h2>
      <form className="inline-form" onSubmit={submit}>
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(action.error, "password")}
        />
        <button type="submit" disabled={action.busy}>
          Set password
        </button>
      </form>
      <ErrorBox error={action.error} fields={["password"]} />
      {done && <Notice kind="success">Password set for {user.email}.</Notice>}
    </section>
  );
}
