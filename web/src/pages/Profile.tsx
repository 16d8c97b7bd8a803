/** The signed-in user: account facts, change password, own API keys where allowed. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { Credentials } from "../components/Credentials";
import { ErrorBox, Field, Notice, fieldError, useAction } from "../components/forms";
import { useSession } from "../session";
import { setTheme, useTheme } from "../theme";
import type { ThemeChoice } from "../theme";
import { OwnUsage } from "./Usage";

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const action = useAction(async () => {
    await api.post("/api/v1/auth/change-password", {
      current_password: current,
      new_password: next,
    });
    setCurrent("");
    setNext("");
    setDone(true);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    void action.run();
  };
  return (
    <section className="card" aria-labelledby="change-title">
      <h2 id="change-title">Change password</h2>
      <form onSubmit={submit}>
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={fieldError(action.error, "current_password")}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={fieldError(action.error, "new_password")}
        />
        <ErrorBox error={action.error} fields={["current_password", "new_password"]} />
        {done && <Notice kind="success">Password changed.</Notice>}
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "Follow the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Light, dark or the system's choice; kept in this browser. */
function Appearance() {
  const theme = useTheme();
  return (
    <section className="card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
      <fieldset>
        <legend>Colour theme</legend>
        {THEMES.map((t) => (
          <label className="check" key={t.value}>
            <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => setTheme(t.value)} />
            {t.label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

export function Profile() {
  const { me, can } = useSession();
  if (!me) return null;
  return (
    <div className="page">
      <h1>Profile</h1>
      <section className="card" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl className="facts">
          <dt>Email</dt>
          <dd>{me.user.email}</dd>
          <dt>Name</dt>
          <dd>{me.user.full_name || "—"}</dd>
          <dt>Organization</dt>
          <dd>{me.organization.name}</dd>
          <dt>Roles</dt>
          <dd>{me.roles.join(", ") || "none"}</dd>
          <dt>Models</dt>
          <dd>{me.allowed_model_ids ? me.allowed_model_ids.join(", ") : "any the roles allow"}</dd>
        </dl>
      </section>
      <Appearance />
      <ChangePassword />
      {can("models:use") && <OwnUsage />}
      {can("api_keys:self") && <Credentials basePath="/api/v1/me/api-keys" title="My API keys" />}
    </div>
  );
}
