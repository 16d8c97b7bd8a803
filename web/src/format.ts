/**
 * Display helpers. The API sends UTC times, sometimes without a zone; they are shown in the
 * viewer's zone and locale: relative when recent ("5 minutes ago"), the exact time on hover.
 */

/** Parses an API time (a missing zone means UTC); null when absent or unreadable. */
export function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The exact time in the browser's locale, e.g. "4 Dec 2026, 15:19" or "Dec 4, 2026, 3:19 PM". */
export function exactTime(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** The date alone in the browser's locale. */
export function exactDate(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** Within this age a time is shown relative to now; older ones are shown as a date and time. */
const RELATIVE_FOR_MS = 7 * 86_400_000;

/** "just now", "5 minutes ago", "in 2 hours", … or the exact time when older than a week. */
export function relativeTime(date: Date, now: Date = new Date(), locale?: string): string {
  const diff = date.getTime() - now.getTime();
  const age = Math.abs(diff);
  if (age >= RELATIVE_FOR_MS) return exactTime(date, locale);
  if (age < 45_000) return "just now";
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (age >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(Math.round(diff / 60_000), "minute");
}

/** The one way a time is shown as text: relative when recent, else exact; "" when absent. */
export function formatTime(value: string | null | undefined, now: Date = new Date()): string {
  const date = parseTime(value);
  if (!date) return value ?? "";
  return relativeTime(date, now);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toLocaleString();
}

/** A short name for a browser's user-agent string ("Chrome 131 on Linux"), the full one on hover. */
export function shortAgent(agent: string | null | undefined): string {
  if (!agent) return "";
  const browser =
    /(Edg|OPR|Firefox|Chrome|Chromium|Safari)\/(\d+)/.exec(agent) ??
    /^([\w.-]+)\/([\d.]+)/.exec(agent);
  const os = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(agent)?.[1];
  if (!browser) return agent.length > 32 ? `${agent.slice(0, 31)}…` : agent;
  const name = browser[1] === "Edg" ? "Edge" : browser[1] === "OPR" ? "Opera" : browser[1];
  const version = browser[2].split(".")[0];
  return os ? `${name} ${version} on ${os.replace("Mac OS X", "macOS")}` : `${name} ${version}`;
}

/** A calendar day from the API ("2026-12-04") in the browser's locale ("4 Dec 2026"). */
export function formatDay(day: string, locale?: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return exactDate(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])), locale);
}
