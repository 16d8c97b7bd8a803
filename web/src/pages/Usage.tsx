/** Own usage by model and day with remaining quota; admins also see the organization's. */
import { useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { ApiError } from "../api/problem";
import type { UsageReport, UsageRow, UserPage } from "../api/types";
import { ErrorBox, Field } from "../components/forms";
import { formatDay, formatNumber, formatTime } from "../format";
import { EmptyState } from "../components/States";
import { useLoad } from "../hooks";
import { describeBudget, totalsBy } from "../usage";
import type { UsageTotal } from "../usage";

function Unavailable({ error }: { error: unknown }) {
  if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
    return <p className="muted">Usage statistics are not available on this server yet.</p>;
  }
  return <ErrorBox error={error} />;
}

function UsageTable({ rows, who }: { rows: UsageRow[]; who?: (id: string | null | undefined) => string }) {
  const withUser = Boolean(who);
  if (rows.length === 0) return <EmptyState>No usage recorded.</EmptyState>;
  return (
    <div className="table-wrap">
      <table className="cards">
        <thead>
          <tr>
            <th scope="col">Day</th>
            {withUser && <th scope="col">User</th>}
            <th scope="col">Model</th>
            <th scope="col">Requests</th>
            <th scope="col">Prompt tokens</th>
            <th scope="col">Completion tokens</th>
            <th scope="col">Total tokens</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.day}-${r.model}-${r.user_id ?? ""}-${i}`}>
              <td data-label="Day">{formatDay(r.day)}</td>
              {who && <td data-label="User">{who(r.user_id)}</td>}
              <td data-label="Model">{r.model}</td>
              <td data-label="Requests">{formatNumber(r.requests)}</td>
              <td data-label="Prompt">{formatNumber(r.prompt_tokens)}</td>
              <td data-label="Completion">{formatNumber(r.completion_tokens)}</td>
              <td data-label="Total">{formatNumber(r.total_tokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Horizontal bars: one per total, scaled to the largest. */
function BarChart({ totals, label }: { totals: UsageTotal[]; label: string }) {
  const max = Math.max(1, ...totals.map((t) => t.tokens));
  return (
    <figure className="chart">
      <figcaption>{label}</figcaption>
      <ul>
        {totals.map((t) => (
          <li key={t.key}>
            <span className="bar-label">{t.key}</span>
            <span className="bar" style={{ width: `${(t.tokens / max) * 100}%` }} />
            <span className="bar-value">
              {formatNumber(t.tokens)} tokens · {formatNumber(t.requests)} requests
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function OwnUsage() {
  const usage = useLoad(() => api.get<UsageReport>("/api/v1/usage"), []);
  const budgets = usage.data?.budgets ?? [];
  const totals = usage.data?.totals;
  return (
    <section className="card" aria-labelledby="own-usage-title">
      <h2 id="own-usage-title">My usage</h2>
      {usage.error ? <Unavailable error={usage.error} /> : null}
      {usage.data && (
        <>
          <ul className="plain-list" aria-label="Remaining quota">
            {budgets.length === 0 && <li className="muted">No token quota is set for you.</li>}
            {budgets.map((b) => (
              <li key={`${b.scope}-${b.period}`}>
                <progress max={b.limit} value={b.used} aria-label={`${b.period} quota used`} />{" "}
                {describeBudget(b, formatTime)}
              </li>
            ))}
          </ul>
          {totals && (
            <p className="muted">
              In total: {formatNumber(totals.requests)} requests, {formatNumber(totals.total_tokens)} tokens.
            </p>
          )}
          <UsageTable rows={usage.data.items} />
        </>
      )}
    </section>
  );
}

function OrgUsage() {
  const [form, setForm] = useState({ user_id: "", model: "", since: "", until: "" });
  const [query, setQuery] = useState(form);
  const usage = useLoad(() => api.get<UsageReport>("/api/v1/admin/usage", query), [query]);
  const users = useLoad(() => api.get<UserPage>("/api/v1/users", { limit: 500 }).catch(() => undefined), []);
  const rows = usage.data?.items ?? [];
  const emails = new Map((users.data?.items ?? []).map((u) => [u.id, u.email]));
  const who = (id: string | null | undefined) => (id ? (emails.get(id) ?? id) : "—");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(form);
  };
  return (
    <section className="card" aria-labelledby="org-usage-title">
      <h2 id="org-usage-title">Organization usage</h2>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="usage-user">User</label>
          <select
            id="usage-user"
            value={form.user_id}
            onChange={(e) => setForm({ ...form, user_id: e.target.value })}
          >
            <option value="">everyone</option>
            {users.data?.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </div>
        <Field label="Model" value={form.model} onChange={(e) => setForm({ ...form, model: e.target.value })} />
        <Field label="Since" type="date" value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} />
        <Field label="Until" type="date" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
        <button type="submit">Show</button>
      </form>
      {usage.error ? <Unavailable error={usage.error} /> : null}
      {usage.data && (
        <>
          <div className="charts">
            <BarChart label="Tokens per user" totals={totalsBy(rows, (r) => who(r.user_id))} />
            <BarChart label="Tokens per model" totals={totalsBy(rows, (r) => r.model)} />
          </div>
          <UsageTable rows={rows} who={who} />
        </>
      )}
    </section>
  );
}

export function Usage() {
  return (
    <div className="page">
      <h1>Usage</h1>
      <OwnUsage />
      <OrgUsage />
    </div>
  );
}
