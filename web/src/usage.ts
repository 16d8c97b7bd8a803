/** Usage arithmetic, kept apart from the screens so it is tested on its own. */
import type { BudgetView, UsageRow } from "./api/types";

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
    total.requests += row.requests;
    total.tokens += row.total_tokens ?? row.prompt_tokens + row.completion_tokens;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.tokens - a.tokens || a.key.localeCompare(b.key));
}

/** "12,000 of 50,000 tokens left today (resets …)" for one budget. */
export function describeBudget(budget: BudgetView, formatTime: (t: string) => string): string {
  const period = budget.period === "daily" ? "today" : budget.period === "monthly" ? "this month" : budget.period;
  const whose = budget.scope === "api_key" ? " (this API key)" : "";
  return `${budget.remaining.toLocaleString()} of ${budget.limit.toLocaleString()} tokens left ${period}${whose}; resets ${formatTime(budget.resets_at)}`;
}
