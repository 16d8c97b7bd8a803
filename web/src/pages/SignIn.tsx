import { useState } from "react";
import type { FormEvent } from "react";
import { homePath } from "../nav";
import { navigate } from "../router";
import { useSession } from "../session";
import { ErrorBox, Field, fieldError, useAction } from "../components/forms";

export function SignIn() {
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction(async () => {
    const me = await signIn(email.trim(), password);
    navigate(homePath(me.permissions), true);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in</h1>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(action.error, "email")}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(action.error, "password")}
        />
        <ErrorBox error={action.error} fields={["email", "password"]} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Signing in…" : "Sign in"}
        </button>
        <p>
          No account?{" "}
          <a href="/register" onClick={(e) => (e.preventDefault(), navigate("/register"))}>
            Register
          </a>
        </p>
      </form>
    </main>
  );
}
