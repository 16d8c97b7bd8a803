/** CSV for attendee import and audit export: RFC 4180 quoting, a header row, roles split by `;` or `|`. */

/** Splits CSV text into rows of fields (quotes may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

export interface Attendee {
  line: number;
  email: string;
  name: string;
  roles: string[];
  /** Why the row cannot be imported, when it cannot. */
  problem?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads attendees from CSV with columns email, name, roles (a header row naming them is
 * optional; roles default to `user`). Each row is checked: a valid email, known roles, no repeat.
 */
export function parseAttendees(text: string, knownRoles: readonly string[]): Attendee[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const hasHeader = header.includes("email");
  const col = (name: string, fallback: number) => (hasHeader ? header.indexOf(name) : fallback);
  const [e, n, r] = [col("email", 0), col("name", 1), col("roles", 2)];
  const seen = new Set<string>();
  return rows.slice(hasHeader ? 1 : 0).map((row, i) => {
    const email = (row[e] ?? "").trim();
    const name = n >= 0 ? (row[n] ?? "").trim() : "";
    const rawRoles = r >= 0 ? (row[r] ?? "").trim() : "";
    const roles = rawRoles ? rawRoles.split(/[;|]/).map((x) => x.trim()).filter(Boolean) : ["user"];
    const attendee: Attendee = { line: i + (hasHeader ? 2 : 1), email, name, roles };
    const unknown = roles.filter((x) => knownRoles.length > 0 && !knownRoles.includes(x));
    if (!EMAIL.test(email)) attendee.problem = email ? `“${email}” is not an email address` : "no email";
    else if (seen.has(email.toLowerCase())) attendee.problem = "the same email is in an earlier row";
    else if (unknown.length) attendee.problem = `unknown role ${unknown.join(", ")}`;
    seen.add(email.toLowerCase());
    return attendee;
  });
}

/** One CSV line with the fields quoted where needed. */
export function toCsvLine(fields: (string | number | null | undefined)[]): string {
  return fields
    .map((f) => {
      const s = f === null || f === undefined ? "" : String(f);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",");
}
