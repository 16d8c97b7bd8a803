/**
 * API keys of one user (admin: `/users/{id}/api-keys`) or of oneself (`/me/api-keys`): issue with
 * a label, see the secret once, list with revoked state, revoke.
 */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { ApiKeyView, IssuedKey } from "../api/types";
import { useLoad } from "../hooks";
import { formatTime } from "../format";
import { CopyButton, ErrorBox, Field, fieldError, useAction } from "./forms";

/** The secret of a just-issued key: shown once, with a copy button, until dismissed. */
export function OneTimeSecret({ issued, onDismiss }: { issued: IssuedKey; onDismiss(): void }) {
  return (
    <div className="secret" role="status" aria-live="polite">
      <p>
        <strong>Copy the secret of “{issued.key.label}” now.</strong> It is shown only once and
        cannot be recovered.
      </p>
      <div className="secret-row">
        <code data-testid="one-time-secret">{issued.secret}</code>
        <CopyButton text={issued.secret} />
      </div>
      <button type="button" className="secondary small" onClick={onDismiss}>
        I have copied it
      </button>
    </div>
  );
}

export function Credentials({ basePath, title = "Credentials" }: { basePath: string; title?: string }) {
  const keys = useLoad(() => api.get<ApiKeyView[]>(basePath), [basePath]);
  const [label, setLabel] = useState("");
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const issue = useAction(async () => {
    const answer = await api.post<IssuedKey>(basePath, { label: label.trim() });
    setIssued(answer);
    setLabel("");
    await keys.reload();
  });
  const revoke = useAction(async (key: ApiKeyView) => {
    await api.delete(`${basePath}/${encodeURIComponent(key.id)}`);
    await keys.reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void issue.run();
  };

  return (
    <section className="card" aria-labelledby={`${basePath}-title`}>
      <h2 id={`${basePath}-title`}>{title}</h2>
      <form className="inline-form" onSubmit={submit}>
        <Field
          label="Key label"
          required
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          error={fieldError(issue.error, "label")}
        />
        <button type="submit" disabled={issue.busy}>
          Issue
        </button>
      </form>
      <ErrorBox error={issue.error} />
      {issued && <OneTimeSecret issued={issued} onDismiss={() => setIssued(null)} />}
      <ErrorBox error={keys.error ?? revoke.error} />
      {keys.data && keys.data.length === 0 && <p className="muted">No API keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <td>{key.label}</td>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{formatTime(key.created_at)}</td>
                  <td>{key.last_used_at ? formatTime(key.last_used_at) : "never"}</td>
                  <td>{key.revoked_at ? `revoked ${formatTime(key.revoked_at)}` : "active"}</td>
                  <td>
                    {!key.revoked_at && (
                      <button
                        type="button"
                        className="danger small"
                        disabled={revoke.busy}
                        aria-label={`Revoke ${key.label}`}
                        onClick={() => void revoke.run(key)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
