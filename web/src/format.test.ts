import { describe, expect, it } from "vitest";
import { exactTime, formatTime, parseTime, relativeTime, shortAgent } from "./format";

const now = new Date("2026-12-04T15:00:00Z");

describe("date format", () => {
  it("reads API times without a zone as UTC", () => {
    expect(parseTime("2026-12-04T14:00:00")?.toISOString()).toBe("2026-12-04T14:00:00.000Z");
    expect(parseTime("2026-12-04T14:00:00+01:00")?.toISOString()).toBe("2026-12-04T13:00:00.000Z");
    expect(parseTime("")).toBeNull();
    expect(parseTime("not a time")).toBeNull();
  });

  it("is relative for recent times, in the given locale", () => {
    expect(relativeTime(new Date("2026-12-04T14:59:50Z"), now, "en")).toBe("just now");
    expect(relativeTime(new Date("2026-12-04T14:55:00Z"), now, "en")).toBe("5 minutes ago");
    expect(relativeTime(new Date("2026-12-04T12:00:00Z"), now, "en")).toBe("3 hours ago");
    expect(relativeTime(new Date("2026-12-03T15:00:00Z"), now, "en")).toBe("yesterday");
    expect(relativeTime(new Date("2026-12-04T14:55:00Z"), now, "de")).toBe("vor 5 Minuten");
  });

  it("is exact (locale style, not ISO or US by force) for older times", () => {
    const old = new Date("2026-10-01T09:30:00Z");
    expect(relativeTime(old, now, "en-GB")).toBe(exactTime(old, "en-GB"));
    expect(exactTime(old, "en-GB")).toMatch(/1 Oct 2026/);
    expect(exactTime(old, "en-US")).toMatch(/Oct 1, 2026/);
  });

  it("formatTime keeps an unreadable value and shows nothing for none", () => {
    expect(formatTime(null)).toBe("");
    expect(formatTime("garbage")).toBe("garbage");
    expect(formatTime("2026-12-04T14:55:00", now)).toMatch(/5 minutes ago|vor 5 Minuten|minutes/);
  });

  it("shortens user agents to browser and system", () => {
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    expect(shortAgent(chrome)).toBe("Chrome 131 on Linux");
    expect(shortAgent("curl/8.5.0")).toBe("curl 8");
    expect(shortAgent(null)).toBe("");
  });
});
