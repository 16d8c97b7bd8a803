import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { Registered } from "../api/types";
import { navigate } from "../router";
import { ErrorBox, Field, fieldError, useAction } from "../components/forms";

export function Register() {
  const [email, setEmail] = useState("");
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState<Registered | null>(null);
  const action = useAction(async () => {
    const answer = await api.request<Registered>("POST", "/api/v1/auth/register", {
      body: { email: email.trim(), password, full_name: fullName.trim() || null },
      anonymous: true,
    });
    setDone(answer);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };
  const toSignIn = (e: { preventDefault(): void }) => {
    e.preventDefault();
    navigate("/signin");
  };

  if (done) {
    const pending = done.user.status === "pending";
    return (
      <main className="auth-page">
        <section className="card auth-card" aria-labelledby="registered-title">
          <h1 id="registered-title">{pending ? "Waiting for approval" : "Registered"}</h1>
          <p role="status" className={`message ${pending ? "info" : "success"}`}>
            {pending
              ? `An organiser has to approve ${done.user.email} before you can sign in.`
              : done.message}
          </p>
          <a href="/signin" onClick={toSignIn}>
            Back to sign-in
          </a>
        </section>
      </main>
    );
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="register-title">
        <h1 id="register-title">Register</h1>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(action.error, "email")}
        />
        <Field
          label="Full name"
          autoComplete="name"
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={fieldError(action.error, "full_name")}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(action.error, "password")}
          hint="At least 8 characters."
        />
        <ErrorBox error={action.error} fields={["email", "full_name", "password"]} />
        <button type="submit" disabled={action.busy}>
          Register
        </button>
        <p>
          Have an account?{" "}
          <a href="/signin" onClick={toSignIn}>
            Sign in
          </a>
        </p>
      </form>
    </main>
  );
}
