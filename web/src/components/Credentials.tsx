/**
 * API keys of one user (admin: `/users/{id}/api-keys`) or of oneself (`/me/api-keys`): issue with
 * a label, see the secret once (leaving warns while it is shown), list, revoke after confirming.
 */
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { ApiKeyView, IssuedKey } from "../api/types";
import { useLoad } from "../hooks";
import { guardLeaving } from "../router";
import { useConfirm } from "./ConfirmDialog";
import { CopyButton, ErrorBox, Field, Notice, fieldError, useAction } from "./forms";
import { EmptyState, Skeleton } from "./States";
import { Time } from "./Time";

/** The secret of a just-issued key: shown once, with a copy button, until dismissed. */
export function OneTimeSecret({ issued, onDismiss }: { issued: IssuedKey; onDismiss(): void }) {
  const confirm = useConfirm();
  const [copied, setCopied] = useState(false);
  // Until copied or dismissed, leaving the page (in the app, reload, close) asks first.
  useEffect(() => {
    if (copied) return;
    return guardLeaving(() =>
      confirm({
        action: "Leave without copying",
        object: issued.key.label,
        consequence: "The secret of this key is shown only once. If you leave now it cannot be recovered; you would have to issue a new key.",
      }),
    );
  }, [copied, confirm, issued.key.label]);
  return (
    <div className="secret" role="status" aria-live="polite">
      <p>
        <strong>Copy the secret of “{issued.key.label}” now.</strong> It is shown only once and
        cannot be recovered.
      </p>
      <div className="secret-row">
        <code data-testid="one-time-secret">{issued.secret}</code>
        <CopyButton text={issued.secret} onCopied={() => setCopied(true)} />
      </div>
      <button type="button" className="secondary small" onClick={onDismiss}>
        I have copied it
      </button>
    </div>
  );
}

export function Credentials({ basePath, title = "Credentials" }: { basePath: string; title?: string }) {
  const keys = useLoad(() => api.get<ApiKeyView[]>(basePath), [basePath]);
  const confirm = useConfirm();
  const [label, setLabel] = useState("");
  const [labelError, setLabelError] = useState<string | undefined>();
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const issue = useAction(async () => {
    const answer = await api.post<IssuedKey>(basePath, { label: label.trim() });
    setIssued(answer);
    setLabel("");
    await keys.reload();
  });
  const revoke = useAction(async (key: ApiKeyView) => {
    await api.delete(`${basePath}/${encodeURIComponent(key.id)}`);
    setMessage(`Revoked the key “${key.label}”.`);
    await keys.reload();
  });
  const askRevoke = async (key: ApiKeyView) => {
    const ok = await confirm({
      action: "Revoke key",
      object: key.label,
      consequence: "Programs using this key stop working at once. This cannot be undone.",
    });
    if (ok) void revoke.run(key);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (!label.trim()) {
      setLabelError("Give the key a label, e.g. what will use it.");
      return;
    }
    setLabelError(undefined);
    void issue.run();
  };

  return (
    <section className="card" aria-labelledby={`${basePath}-title`}>
      <h2 id={`${basePath}-title`}>{title}</h2>
      <form className="inline-form" onSubmit={submit} noValidate>
        <Field
          label="Key label"
          required
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          error={labelError ?? fieldError(issue.error, "label")}
        />
        <button type="submit" disabled={issue.busy}>
          Issue
        </button>
      </form>
      <ErrorBox error={issue.error} fields={["label"]} />
      {issued && <OneTimeSecret issued={issued} onDismiss={() => setIssued(null)} />}
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBox error={keys.error ?? revoke.error} />
      {keys.loading && !keys.data && <Skeleton rows={2} label="Loading keys" />}
      {keys.data && keys.data.length === 0 && <EmptyState>No API keys yet.</EmptyState>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap">
          <table className="cards">
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
                  <td data-label="Label">{key.label}</td>
                  <td data-label="Prefix">
                    <code>{key.prefix}</code>
                  </td>
                  <td data-label="Created">
                    <Time value={key.created_at} />
                  </td>
                  <td data-label="Last used">
                    <Time value={key.last_used_at} empty="never" />
                  </td>
                  <td data-label="State">
                    {key.revoked_at ? (
                      <>
                        revoked <Time value={key.revoked_at} />
                      </>
                    ) : (
                      "active"
                    )}
                  </td>
                  <td data-label="">
                    {!key.revoked_at && (
                      <button
                        type="button"
                        className="danger small"
                        disabled={revoke.busy}
                        aria-label={`Revoke ${key.label}`}
                        onClick={() => void askRevoke(key)}
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
