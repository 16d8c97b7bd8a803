/**
 * Bulk actions done one call per item from the browser, with a result per item: the bar for
 * selected users (activate, disable, assign a role) and the result list shared with CSV import.
 */
import { useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/problem";
import type { RoleView, UserView } from "../api/types";
import { useConfirm } from "./ConfirmDialog";
import { Notice } from "./forms";

export interface ItemResult {
  label: string;
  ok: boolean;
  message: string;
}

/** Runs `work` for each item in turn (the server sees one request at a time); never throws. */
export async function runEach<T>(
  items: T[],
  label: (item: T) => string,
  work: (item: T) => Promise<string>,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const item of items) {
    try {
      results.push({ label: label(item), ok: true, message: await work(item) });
    } catch (err) {
      results.push({ label: label(item), ok: false, message: errorMessage(err) });
    }
  }
  return results;
}

/** A summary line (success or warning) and the failed items first, each with its reason. */
export function Results({ results, verb }: { results: ItemResult[]; verb: string }) {
  const failed = results.filter((r) => !r.ok);
  const done = results.length - failed.length;
  return (
    <div aria-label={`${verb} results`} role="region">
      <Notice kind={failed.length ? "warning" : "success"}>
        {verb}: {done} of {results.length} done{failed.length ? `, ${failed.length} failed` : ""}.
      </Notice>
      <ul className="plain-list results">
        {[...failed, ...results.filter((r) => r.ok)].map((r, i) => (
          <li key={`${r.label}-${i}`} className={r.ok ? "ok" : "failed"}>
            {r.ok ? "✓" : "✕"} {r.label}: {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface BarProps {
  users: UserView[];
  roles: RoleView[];
  onDone(): void;
  onClear(): void;
}

/** Shown while users are selected: activate, disable (confirmed), or add one role to all. */
export function BulkBar({ users, roles, onDone, onClear }: BarProps) {
  const confirm = useConfirm();
  const [role, setRole] = useState("user");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ verb: string; results: ItemResult[] } | null>(null);
  const n = users.length;
  const who = n === 1 ? users[0].email : `${n} users`;

  const apply = async (verb: string, body: (u: UserView) => object, say: string) => {
    setBusy(true);
    const results = await runEach(
      users,
      (u) => u.email,
      async (u) => {
        await api.patch<UserView>(`/api/v1/users/${u.id}`, body(u));
        return say;
      },
    );
    setOutcome({ verb, results });
    setBusy(false);
    onDone();
  };
  const disable = async () => {
    const ok = await confirm({
      action: "Disable",
      object: who,
      consequence: `${n === 1 ? "This user is" : "These users are"} signed out and cannot sign in or use API keys until activated again.`,
    });
    if (ok) await apply("Disable", () => ({ active: false }), "disabled");
  };

  return (
    <section className="card toolbar" aria-label="Bulk actions">
      {n > 0 && <strong>{n} selected</strong>}
      {n > 0 && (
        <>
          <button type="button" disabled={busy} onClick={() => void apply("Activate", () => ({ active: true }), "active")}>
            Activate
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void disable()}>
            Disable
          </button>
          <label className="check">
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)} aria-label="Role to assign">
              {roles.map((r) => (
                <option key={r.id} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              void apply(
                "Assign role",
                (u) => ({ roles: u.roles.includes(role) ? u.roles : [...u.roles, role] }),
                `has role ${role}`,
              )
            }
          >
            Assign role
          </button>
          <button type="button" className="secondary small" onClick={onClear}>
            Clear selection
          </button>
        </>
      )}
      {n === 0 && <span className="muted">Select users to activate, disable or give a role to several at once.</span>}
      {outcome && <Results verb={outcome.verb} results={outcome.results} />}
    </section>
  );
}
