/**
 * The users table: sortable by name, email, roles, status and last sign-in, paged, with a
 * checkbox per row for bulk actions; on phones each row becomes a card.
 */
import { useMemo, useState } from "react";
import type { UserView } from "../api/types";
import { parseTime } from "../format";
import { Time } from "./Time";

export type SortKey = "name" | "email" | "roles" | "status" | "last_login";

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
  { key: "roles", label: "Roles" },
  { key: "status", label: "Status" },
  { key: "last_login", label: "Last sign-in" },
];

export const PAGE_SIZE = 25;

function sortValue(user: UserView, key: SortKey): string | number {
  switch (key) {
    case "name":
      return (user.full_name ?? "").toLowerCase();
    case "email":
      return user.email.toLowerCase();
    case "roles":
      return user.roles.join(", ");
    case "status":
      return user.status;
    case "last_login":
      return parseTime(user.last_login_at)?.getTime() ?? 0;
  }
}

/** Users in the order the table shows them; ties keep email order. */
export function sortUsers(users: UserView[], key: SortKey, ascending: boolean): UserView[] {
  return [...users].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    const order = x < y ? -1 : x > y ? 1 : a.email.localeCompare(b.email);
    return ascending ? order : -order;
  });
}

interface Props {
  users: UserView[];
  selected: ReadonlySet<string>;
  onSelect(ids: string[], on: boolean): void;
  openId: string | null;
  onOpen(user: UserView): void;
}

export function UsersTable({ users, selected, onSelect, openId, onOpen }: Props) {
  const [sort, setSort] = useState<{ key: SortKey; ascending: boolean }>({ key: "email", ascending: true });
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => sortUsers(users, sort.key, sort.ascending), [users, sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const allShown = shown.length > 0 && shown.every((u) => selected.has(u.id));

  const sortBy = (key: SortKey) =>
    setSort((now) => ({ key, ascending: now.key === key ? !now.ascending : true }));

  return (
    <>
      <div className="table-wrap">
        <table className="cards users" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all on this page"
                  checked={allShown}
                  onChange={(e) => onSelect(shown.map((u) => u.id), e.target.checked)}
                />
              </th>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={sort.key === c.key ? (sort.ascending ? "ascending" : "descending") : undefined}
                >
                  <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                    {c.label}
                    {sort.key === c.key ? (sort.ascending ? " ▲" : " ▼") : ""}
                  </button>
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((user) => (
              <tr key={user.id} className={selected.has(user.id) ? "selected" : undefined}>
                <td data-label="">
                  <input
                    type="checkbox"
                    aria-label={`Select ${user.email}`}
                    checked={selected.has(user.id)}
                    onChange={(e) => onSelect([user.id], e.target.checked)}
                  />
                </td>
                <td data-label="Name">{user.full_name || <span className="muted">—</span>}</td>
                <td data-label="Email" className="email">
                  {user.email}
                </td>
                <td data-label="Roles">{user.roles.join(", ") || <span className="muted">no roles</span>}</td>
                <td data-label="Status">
                  <span className={`badge ${user.status}`}>{user.status}</span>
                </td>
                <td data-label="Last sign-in">
                  <Time value={user.last_login_at} empty="never" />
                </td>
                <td data-label="">
                  <button
                    type="button"
                    className="secondary small"
                    aria-pressed={user.id === openId}
                    aria-label={`Manage ${user.email}`}
                    onClick={() => onOpen(user)}
                  >
                    Manage
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" className="secondary small" disabled={current === 0} onClick={() => setPage(current - 1)}>
          Previous
        </button>
        <span>
          Page {current + 1} of {pages} · {sorted.length} users
        </span>
        <button
          type="button"
          className="secondary small"
          disabled={current >= pages - 1}
          onClick={() => setPage(current + 1)}
        >
          Next
        </button>
      </div>
    </>
  );
}
