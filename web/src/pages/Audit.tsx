/**
 * The audit trail: filter by user, event type (a list), date range and count (1–500), page
 * through it, export the filtered trail as CSV. Time / Event / User / IP / Agent.
 */
import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { AuditPage, UserPage } from "../api/types";
import { ErrorBox, Field, useAction } from "../components/forms";
import { EmptyState, Skeleton } from "../components/States";
import { Time } from "../components/Time";
import { shortAgent } from "../format";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const EVENT_TYPES = [
  "login_success", "login_failure", "logout", "token_refresh_reuse", "user_registered",
  "user_created", "user_approved", "user_rejected", "user_updated", "user_disabled",
  "roles_changed", "password_changed", "password_set", "api_key_issued", "api_key_revoked",
  "grant_changed", "model_pulled", "model_deleted",
];

interface Query {
  limit: number;
  offset: number;
  event_type: string;
  user_id: string;
  since: string;
  until: string;
}

/** A `yyyy-mm-dd` from a date input as the start of that local day, in RFC 3339. */
function dayStart(day: string, plusDays = 0): string {
  if (!day) return "";
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The API's query for a filter: dates become instants, the end date is inclusive. */
function toParams(q: Query) {
  return { ...q, since: dayStart(q.since), until: dayStart(q.until, 1) };
}

export function Audit() {
  const { can } = useSession();
  const [form, setForm] = useState<Query>({ limit: 100, offset: 0, event_type: "", user_id: "", since: "", until: "" });
  const [limitText, setLimitText] = useState("100");
  const [limitError, setLimitError] = useState<string | undefined>();
  const [query, setQuery] = useState<Query>(form);
  const events = useLoad(() => api.get<AuditPage>("/api/v1/audit", toParams(query)), [query]);
  // Ids become emails (and a user list to filter by) when the admin may list users.
  const users = useLoad(
    () => (can("users:read") ? api.get<UserPage>("/api/v1/users", { limit: 500 }) : Promise.resolve(undefined)),
    [],
  );
  const emails = useMemo(() => new Map((users.data?.items ?? []).map((u) => [u.id, u.email])), [users.data]);
  const who = (id: string | null | undefined) => (id ? (emails.get(id) ?? id) : "");
  const set = (change: Partial<Query>) => setForm((f) => ({ ...f, ...change }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      setLimitError("Enter a whole number from 1 to 500.");
      return;
    }
    if (form.since && form.until && form.until < form.since) {
      setLimitError(undefined);
      return;
    }
    setLimitError(undefined);
    setQuery({ ...form, limit, offset: 0 });
  };
  const rangeError = form.since && form.until && form.until < form.since ? "The end date is before the start date." : undefined;
  const exportCsv = useAction(async () => {
    const params = toParams(query);
    const res = await api.send("GET", "/api/v1/audit/export", {
      query: { event_type: params.event_type, user_id: params.user_id, since: params.since, until: params.until },
    });
    const url = URL.createObjectURL(await res.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  });
  const page = events.data;
  const pageTo = (offset: number) => setQuery((q) => ({ ...q, offset: Math.max(0, offset) }));

  return (
    <div className="page">
      <h1>Audit log</h1>
      <form className="card inline-form" onSubmit={submit} noValidate aria-label="Filter">
        {users.data ? (
          <div className="field">
            <label htmlFor="audit-user">User</label>
            <select id="audit-user" value={form.user_id} onChange={(e) => set({ user_id: e.target.value })}>
              <option value="">anyone</option>
              {users.data.items.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <Field label="User id" value={form.user_id} onChange={(e) => set({ user_id: e.target.value.trim() })} />
        )}
        <div className="field">
          <label htmlFor="audit-event">Event type</label>
          <select id="audit-event" value={form.event_type} onChange={(e) => set({ event_type: e.target.value })}>
            <option value="">any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </div>
        <Field label="From" type="date" value={form.since} onChange={(e) => set({ since: e.target.value })} />
        <Field label="To" type="date" value={form.until} error={rangeError} onChange={(e) => set({ until: e.target.value })} />
        <Field
          label="Limit"
          type="number"
          inputMode="numeric"
          min={1}
          max={500}
          value={limitText}
          error={limitError}
          onChange={(e) => setLimitText(e.target.value)}
        />
        <button type="submit">Load</button>
        <button type="button" className="secondary" disabled={exportCsv.busy} onClick={() => void exportCsv.run()}>
          Export CSV
        </button>
      </form>
      <ErrorBox error={events.error ?? exportCsv.error} />
      {events.loading && !page && <Skeleton rows={6} label="Loading events" />}
      {page && page.items.length === 0 && <EmptyState>No events match this filter.</EmptyState>}
      {page && page.items.length > 0 && (
        <>
          <div className="pager">
            <span className="muted">
              Events {query.offset + 1}–{query.offset + page.items.length} of {page.total}
            </span>
            <button type="button" className="secondary small" disabled={query.offset === 0} onClick={() => pageTo(query.offset - query.limit)}>
              Newer
            </button>
            <button
              type="button"
              className="secondary small"
              disabled={query.offset + page.items.length >= page.total}
              onClick={() => pageTo(query.offset + query.limit)}
            >
              Older
            </button>
          </div>
          <div className="table-wrap card">
            <table className="audit cards">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">User</th>
                  <th scope="col">IP</th>
                  <th scope="col">Agent</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((ev) => (
                  <tr key={ev.id}>
                    <td data-label="Time">
                      <Time value={ev.occurred_at} />
                    </td>
                    <td data-label="Event">
                      <code>{ev.event_type}</code>
                    </td>
                    <td data-label="User" className="email">
                      {who(ev.actor_user_id)}
                      {ev.subject_user_id && ev.subject_user_id !== ev.actor_user_id && <> → {who(ev.subject_user_id)}</>}
                    </td>
                    <td data-label="IP">{ev.ip}</td>
                    <td data-label="Agent" className="agent" title={ev.user_agent ?? ""}>
                      {shortAgent(ev.user_agent)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
