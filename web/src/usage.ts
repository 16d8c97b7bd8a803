/** Usage arithmetic, kept apart from the screens so it is tested on its own. */
import type { UsageRow } from "./api/types";

export interface UsageTotal {
  key: string;
  requests: number;
  tokens: number;
}

/** Sums requests and tokens per `keyOf(row)`, largest token count first. */
export function totalsBy(rows: UsageRow[], keyOf: (row: UsageRow) => string): UsageTotal[] {
  const totals = new Map<string, UsageTotal>();
  for (const row of rows) {
    const key = keyOf(row);
    const total = totals.get(key) ?? { key, requests: 0, tokens: 0 };
    total.requests += row.requests ?? 0;
    total.tokens += (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0);
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.tokens - a.tokens || a.key.localeCompare(b.key));
}

/** What is left of a limit; null when there is no limit. */
export function remaining(limit: number | null | undefined, used: number | null | undefined) {
  if (limit === null || limit === undefined) return null;
  return Math.max(0, limit - (used ?? 0));
}
