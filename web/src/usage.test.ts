import { describe, expect, it } from "vitest";
import { remaining, totalsBy } from "./usage";

const row = (model: string, email: string, requests: number, prompt: number, completion: number) => ({
  day: "2026-01-01", model, email, requests, prompt_tokens: prompt, completion_tokens: completion,
});

describe("usage", () => {
  it("sums requests and tokens per key, biggest first", () => {
    const rows = [row("a", "x@y", 1, 10, 5), row("b", "x@y", 2, 1, 1), row("a", "z@y", 3, 100, 0)];
    expect(totalsBy(rows, (r) => r.model)).toEqual([
      { key: "a", requests: 4, tokens: 115 },
      { key: "b", requests: 2, tokens: 2 },
    ]);
    expect(totalsBy(rows, (r) => r.email ?? "")[0]).toEqual({ key: "z@y", requests: 3, tokens: 100 });
  });

  it("computes what is left of a quota, never below zero", () => {
    expect(remaining(1000, 250)).toBe(750);
    expect(remaining(100, 250)).toBe(0);
    expect(remaining(null, 5)).toBeNull();
    expect(remaining(undefined, undefined)).toBeNull();
  });
});
