import { describe, expect, it } from "vitest";
import { describeBudget, totalsBy } from "./usage";

const row = (model: string, user_id: string, requests: number, prompt: number, completion: number) => ({
  day: "2026-01-01",
  model,
  user_id,
  requests,
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

describe("usage", () => {
  it("sums requests and tokens per key, biggest first", () => {
    const rows = [row("a", "u1", 1, 10, 5), row("b", "u1", 2, 1, 1), row("a", "u2", 3, 100, 0)];
    expect(totalsBy(rows, (r) => r.model)).toEqual([
      { key: "a", requests: 4, tokens: 115 },
      { key: "b", requests: 2, tokens: 2 },
    ]);
    expect(totalsBy(rows, (r) => r.user_id ?? "")).toEqual([
      { key: "u2", requests: 3, tokens: 100 },
      { key: "u1", requests: 3, tokens: 17 },
    ]);
  });

  it("describes what is left of a budget and when it resets", () => {
    const budget = { scope: "user", period: "daily", limit: 50000, used: 38000, remaining: 12000, resets_at: "2026-01-02T00:00:00" };
    expect(describeBudget(budget, (t) => `at ${t}`)).toBe(
      `${(12000).toLocaleString()} of ${(50000).toLocaleString()} tokens left today; resets at 2026-01-02T00:00:00`,
    );
    expect(describeBudget({ ...budget, scope: "api_key", period: "monthly" }, () => "soon")).toContain(
      "left this month (this API key)",
    );
  });
});
