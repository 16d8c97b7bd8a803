/**
 * Pending sign-ups: tick one or more, choose one role and (optionally) the models and tools they
 * may use from lists, then approve or reject them together; each gets a result.
 */
import { useMemo, useState } from "react";
import { api } from "../api/client";
import type { ModelList, RoleView, ToolList, UserPage, UserView } from "../api/types";
import { Results, runEach } from "../components/Bulk";
import type { ItemResult } from "../components/Bulk";
import { useConfirm } from "../components/ConfirmDialog";
import { ErrorBox, Field } from "../components/forms";
import { pendingChanged } from "../components/Shell";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { useLoad } from "../hooks";

/** Ticks for a list of values (shown by their label, if given); none ticked means "no restriction". */
function Picks({ legend, names, labels, picked, onChange, none }: {
  legend: string;
  names: string[];
  labels?: Record<string, string>;
  picked: string[];
  onChange(names: string[]): void;
  none: string;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {names.length === 0 && <p className="muted small-text">{none}</p>}
      <div className="chips">
        {names.map((name) => (
          <label className="check" key={name}>
            <input
              type="checkbox"
              checked={picked.includes(name)}
              onChange={() => onChange(picked.includes(name) ? picked.filter((x) => x !== name) : [...picked, name])}
            />
            {labels?.[name] ?? name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function Pending() {
  const pending = useLoad(() => api.get<UserPage>("/api/v1/admin/users/pending", { limit: 200 }), []);
  const roles = useLoad(() => api.get<RoleView[]>("/api/v1/roles"), []);
  // Ollama may be down: approvals still work, only without the model choice.
  const models = useLoad(() => api.get<ModelList>("/api/v1/models").catch(() => null), []);
  const toolList = useLoad(() => api.get<ToolList>("/api/v1/tools", { limit: 200 }).catch(() => null), []);
  const confirm = useConfirm();
  const [selected, setSelected] = useState<string[]>([]);
  const [role, setRole] = useState("user");
  const [allowedModels, setAllowedModels] = useState<string[]>([]);
  const [tools, setTools] = useState<string[]>([]);
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ verb: string; results: ItemResult[] } | null>(null);
  const items = pending.data?.items ?? [];
  const chosen = items.filter((u) => selected.includes(u.id));
  const modelNames = models.data?.items.map((m) => m.name) ?? [];
  const toolLabels = useMemo(
    () => Object.fromEntries((toolList.data?.items ?? []).map((t) => [t.id, t.name])),
    [toolList.data],
  );
  const toolIds = Object.keys(toolLabels).sort((a, b) => toolLabels[a].localeCompare(toolLabels[b]));

  const decide = async (approved: boolean, users: UserView[]) => {
    setBusy(true);
    const results = await runEach(
      users,
      (u) => u.email,
      async (u) => {
        await api.post(`/api/v1/admin/users/${u.id}/approve`, {
          approved,
          roles: approved ? [role] : null,
          allowed_model_ids: approved && allowedModels.length ? allowedModels : null,
          allowed_tool_ids: approved && tools.length ? tools : null,
          admin_notes: notes.trim() || null,
        });
        return approved ? `approved as ${role}` : "rejected";
      },
    );
    setOutcome({ verb: approved ? "Approve" : "Reject", results });
    setSelected([]);
    setBusy(false);
    pendingChanged();
    await pending.reload();
  };
  const reject = async () => {
    const ok = await confirm({
      action: "Reject",
      object: chosen.length === 1 ? chosen[0].email : `${chosen.length} registrations`,
      consequence: "They cannot sign in, and registering again with the same email is refused.",
    });
    if (ok) await decide(false, chosen);
  };

  return (
    <div className="page">
      <h1>Pending approvals</h1>
      <div className="toolbar">
        <button type="button" className="secondary" onClick={() => void pending.reload()}>
          Refresh
        </button>
      </div>
      {outcome && <Results verb={outcome.verb} results={outcome.results} />}
      <ErrorBox error={pending.error} />
      {pending.loading && !pending.data && <Skeleton rows={3} label="Loading registrations" />}
      {pending.data && items.length === 0 && <EmptyState>Nobody is waiting for approval.</EmptyState>}
      {items.length > 0 && (
        <>
          <section className="card" aria-labelledby="waiting-title">
            <h2 id="waiting-title">Waiting ({items.length})</h2>
            <label className="check">
              <input
                type="checkbox"
                checked={chosen.length === items.length}
                onChange={(e) => setSelected(e.target.checked ? items.map((u) => u.id) : [])}
              />
              Select all
            </label>
            <ul className="plain-list" aria-label="Registrations">
              {items.map((u) => (
                <li key={u.id} aria-label={`Pending ${u.email}`}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={selected.includes(u.id)}
                      onChange={(e) =>
                        setSelected((s) => (e.target.checked ? [...s, u.id] : s.filter((id) => id !== u.id)))
                      }
                    />
                    <span>
                      <strong className="email">{u.email}</strong>
                      {u.full_name && ` · ${u.full_name}`}
                      <span className="muted small-text">
                        {" "}
                        · registered <Time value={u.created_at} />
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="decide-title">
            <h2 id="decide-title">Decision for the selected</h2>
            <div className="field">
              <label htmlFor="approve-role">Role</label>
              <select id="approve-role" value={role} onChange={(e) => setRole(e.target.value)}>
                {(roles.data ?? []).map((r) => (
                  <option key={r.id} value={r.name} title={r.description}>
                    {r.name}
                  </option>
                ))}
              </select>
            </div>
            <Picks
              legend="Allowed models (none ticked: any the role allows)"
              names={modelNames}
              picked={allowedModels}
              onChange={setAllowedModels}
              none="No models listed (Ollama may be unreachable)."
            />
            <Picks
              legend="Allowed tools (none ticked: any)"
              names={toolIds}
              labels={toolLabels}
              picked={tools}
              onChange={setTools}
              none="No tools defined yet (Tools are created under /api/v1/tools)."
            />
            <Field label="Admin notes" value={notes} onChange={(e) => setNotes(e.target.value)} />
            <div className="buttons">
              <button type="button" disabled={busy || chosen.length === 0} onClick={() => void decide(true, chosen)}>
                Approve selected ({chosen.length})
              </button>
              <button type="button" className="danger" disabled={busy || chosen.length === 0} onClick={() => void reject()}>
                Reject selected ({chosen.length})
              </button>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
