import { describe, expect, it } from "vitest";
import { checkChunking, formatScore, jobPercent, jobText, kindName, parseTags, positionText, sameChunking, stateBadgeClass } from "./format";

describe("state badges", () => {
  it("marks finished states good, failures bad and the rest under way", () => {
    expect(stateBadgeClass("ready")).toBe("badge active");
    expect(stateBadgeClass("done")).toBe("badge active");
    expect(stateBadgeClass("failed")).toBe("badge disabled");
    expect(stateBadgeClass("indexing")).toBe("badge pending");
    expect(stateBadgeClass("queued")).toBe("badge pending");
    expect(stateBadgeClass("running")).toBe("badge pending");
  });
});

describe("job progress", () => {
  it("has no percentage until the total is known", () => {
    expect(jobPercent(0, 0)).toBeUndefined();
    expect(jobPercent(1, 3)).toBe(33);
    expect(jobPercent(5, 4)).toBe(100);
  });

  it("describes each state in a line", () => {
    expect(jobText({ state: "queued", done: 0, total: 0 })).toBe("queued");
    expect(jobText({ state: "running", done: 0, total: 0 })).toBe("running: chunking");
    expect(jobText({ state: "running", done: 3, total: 10 })).toBe("running: 3 of 10 chunks");
    expect(jobText({ state: "done", done: 1, total: 1 })).toBe("done: 1 chunk");
    expect(jobText({ state: "failed", done: 0, total: 4, error: "Ollama is not reachable" })).toBe("failed: Ollama is not reachable");
  });
});

describe("display helpers", () => {
  it("names kinds, positions and scores", () => {
    expect(kindName("pdf")).toBe("PDF");
    expect(kindName("markdown")).toBe("Markdown");
    expect(kindName("odt")).toBe("odt");
    expect(positionText({ page: 3, heading_path: ["Setup", "Install"] })).toBe("page 3 · Setup › Install");
    expect(positionText({ heading_path: [] })).toBe("");
    expect(formatScore(0.81234)).toBe("0.812");
    expect(formatScore(null)).toBe("—");
  });

  it("parses comma-separated tags once each, lower-case", () => {
    expect(parseTags(" Rust, setup,, rust ,")).toEqual(["rust", "setup"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("checkChunking", () => {
  it("accepts an overlap under half the size", () => {
    expect(checkChunking({ strategy: "characters", size: "1000", overlap: "100" })).toEqual({
      ok: true,
      chunking: { strategy: "characters", size: 1000, overlap: 100 },
    });
    expect(checkChunking({ strategy: "tokens", size: "16", overlap: "" })).toMatchObject({ ok: true });
  });

  it("refuses an overlap of half the size or more", () => {
    expect(checkChunking({ strategy: "characters", size: "200", overlap: "100" })).toEqual({
      ok: false,
      errors: { "chunking.overlap": "Must be less than half of the size (under 100)." },
    });
  });

  it("checks the size range of the strategy and whole numbers", () => {
    expect(checkChunking({ strategy: "tokens", size: "4000", overlap: "0" })).toEqual({
      ok: false,
      errors: { "chunking.size": "Must be a whole number from 16 to 2000 tokens." },
    });
    expect(checkChunking({ strategy: "markdown", size: "40", overlap: "-1" })).toEqual({
      ok: false,
      errors: {
        "chunking.size": "Must be a whole number from 50 to 8000 characters.",
        "chunking.overlap": "Must be a whole number, 0 or more.",
      },
    });
  });

  it("tells whether a change of chunking would rebuild", () => {
    expect(sameChunking({ size: 1000, overlap: 100 }, { strategy: "characters", size: 1000, overlap: 100 })).toBe(true);
    expect(sameChunking({ strategy: "markdown", size: 1000, overlap: 100 }, { strategy: "characters", size: 1000, overlap: 100 })).toBe(false);
  });
});
