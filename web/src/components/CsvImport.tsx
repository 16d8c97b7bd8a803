/**
 * Import attendees from CSV (email, name, roles): paste or pick a file, preview every row with
 * what is wrong with it, then create the good ones (active, with their roles), each with a result.
 */
import { useState } from "react";
import { api } from "../api/client";
import type { RoleView, UserView } from "../api/types";
import { parseAttendees } from "../csv";
import type { Attendee } from "../csv";
import { Results, runEach } from "./Bulk";
import type { ItemResult } from "./Bulk";

const EXAMPLE = "email,name,roles\nada@example.org,Ada Lovelace,user\ngrace@example.org,Grace Hopper,user;admin";

export function CsvImport({ roles, onImported }: { roles: RoleView[]; onImported(): void }) {
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<Attendee[] | null>(null);
  const [results, setResults] = useState<ItemResult[] | null>(null);
  const [busy, setBusy] = useState(false);
  const good = preview?.filter((a) => !a.problem) ?? [];

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
    setPreview(null);
    setResults(null);
  };
  const importAll = async () => {
    if (!preview) return;
    setBusy(true);
    const created = await runEach(
      good,
      (a) => a.email,
      async (a) => {
        const user = await api.post<UserView>("/api/v1/users", { email: a.email, full_name: a.name || null });
        await api.patch<UserView>(`/api/v1/users/${user.id}`, { active: true, roles: a.roles });
        return `created, active, roles ${a.roles.join(", ")}`;
      },
    );
    const skipped = preview
      .filter((a) => a.problem)
      .map((a) => ({ label: a.email || `line ${a.line}`, ok: false, message: `skipped: ${a.problem}` }));
    setResults([...skipped, ...created]);
    setPreview(null);
    setBusy(false);
    onImported();
  };

  return (
    <details className="card" aria-label="Import attendees">
      <summary>
        <strong>Import attendees from CSV</strong>
      </summary>
      <p className="muted small-text">
        Columns <code>email,name,roles</code>; roles separated by <code>;</code>, <code>user</code>{" "}
        when empty. Imported attendees are active and can sign in once they have a password (set
        one, or send an invitation).
      </p>
      <div className="field">
        <label htmlFor="csv-file">CSV file</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e.target.files?.[0])} />
      </div>
      <div className="field">
        <label htmlFor="csv-text">CSV text</label>
        <textarea
          id="csv-text"
          rows={5}
          placeholder={EXAMPLE}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setPreview(null);
          }}
        />
      </div>
      <div className="buttons">
        <button
          type="button"
          className="secondary"
          disabled={!text.trim()}
          onClick={() => {
            setResults(null);
            setPreview(parseAttendees(text, roles.map((r) => r.name)));
          }}
        >
          Preview
        </button>
        {preview && (
          <button type="button" disabled={busy || good.length === 0} onClick={() => void importAll()}>
            {busy ? "Importing…" : `Import ${good.length} attendee${good.length === 1 ? "" : "s"}`}
          </button>
        )}
      </div>
      {preview && (
        <div className="table-wrap">
          <p>
            {good.length} of {preview.length} rows can be imported
            {preview.length > good.length && `; ${preview.length - good.length} will be skipped`}.
          </p>
          <table className="cards" aria-label="Import preview">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Check</th>
              </tr>
            </thead>
            <tbody>
              {preview.map((a) => (
                <tr key={a.line}>
                  <td data-label="Line">{a.line}</td>
                  <td data-label="Email" className="email">
                    {a.email}
                  </td>
                  <td data-label="Name">{a.name}</td>
                  <td data-label="Roles">{a.roles.join(", ")}</td>
                  <td data-label="Check" className={a.problem ? "field-error" : undefined}>
                    {a.problem ?? "ok"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results && <Results verb="Import" results={results} />}
    </details>
  );
}
