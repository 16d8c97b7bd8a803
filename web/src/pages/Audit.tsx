/** The audit trail: limit 1–500, event-type filter; Time / Event / User / IP / Agent. */
import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { api } from "../api/client";
import type { AuditPage, UserPage } from "../api/types";
import { ErrorBox, Field } from "../components/forms";
import { formatTime } from "../format";
import { useLoad } from "../hooks";
import { useSession } from "../session";

const EVENT_TYPES = [
  "login_success", "login_failure", "logout", "token_refresh_reuse", "user_registered",
  "user_created", "user_approved", "user_rejected", "user_updated", "user_disabled",
  "roles_changed", "password_changed", "password_set", "api_key_issued", "api_key_revoked",
  "grant_changed", "model_pulled", "model_deleted",
];

export function Audit() {
  const { can } = useSession();
  const [limit, setLimit] = useState(100);
  const [eventType, setEventType] = useState("");
  const [query, setQuery] = useState({ limit: 100, event_type: "" });
  const events = useLoad(() => api.get<AuditPage>("/api/v1/audit", query), [query]);
  // Ids become emails when the admin may list users.
  const users = useLoad(
    () => (can("users:read") ? api.get<UserPage>("/api/v1/users", { limit: 500 }) : Promise.resolve(undefined)),
    [],
  );
  const emails = useMemo(
    () => new Map((users.data?.items ?? []).map((u) => [u.id, u.email])),
    [users.data],
  );
  const who = (id: string | null | undefined) => (id ? (emails.get(id) ?? id) : "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ limit, event_type: eventType.trim() });
  };

  return (
    <div className="page">
      <h1>Audit log</h1>
      <form className="card inline-form" onSubmit={submit}>
        <Field
          label="Limit"
          type="number"
          min={1}
          max={500}
          required
          value={limit}
          onChange={(e) => setLimit(Number(e.target.value))}
        />
        <Field
          label="Event type"
          list="event-types"
          placeholder="any"
          value={eventType}
          onChange={(e) => setEventType(e.target.value)}
        />
        <datalist id="event-types">
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <button type="submit">Load</button>
      </form>
      <ErrorBox error={events.error} />
      {events.data && (
        <p className="muted">
          {events.data.items.length} of {events.data.total} events
        </p>
      )}
      <div className="table-wrap card">
        <table className="audit">
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
            {events.data?.items.map((ev) => (
              <tr key={ev.id}>
                <td>{formatTime(ev.occurred_at)}</td>
                <td>
                  <code>{ev.event_type}</code>
                </td>
                <td>
                  {who(ev.actor_user_id)}
                  {ev.subject_user_id && ev.subject_user_id !== ev.actor_user_id && (
                    <> → {who(ev.subject_user_id)}</>
                  )}
                </td>
                <td>{ev.ip}</td>
                <td className="agent" title={ev.user_agent ?? ""}>
                  {ev.user_agent}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
