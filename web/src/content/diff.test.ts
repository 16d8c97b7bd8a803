import { describe, expect, it } from "vitest";
import { diffLines, diffStats, splitLines } from "./diff";

const kinds = (before: string, after: string) =>
  diffLines(before, after).map((l) => `${l.kind === "same" ? " " : l.kind === "added" ? "+" : "-"}${l.text}`);

describe("splitLines", () => {
  it("ignores one trailing newline and normalises CRLF", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\n")).toEqual(["a"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("a\n\n")).toEqual(["a", ""]);
  });
});

describe("diffLines", () => {
  it("marks equal texts as unchanged", () => {
    expect(kinds("a\nb", "a\nb")).toEqual([" a", " b"]);
    expect(diffStats(diffLines("a\nb", "a\nb"))).toEqual({ added: 0, removed: 0 });
  });

  it("shows a changed line as removed then added, keeping context", () => {
    expect(kinds("Hello {{who}}\nBye", "Hi {{who}}!\nBye")).toEqual(["-Hello {{who}}", "+Hi {{who}}!", " Bye"]);
  });

  it("finds insertions and deletions in the middle", () => {
    expect(kinds("a\nb\nc\nd", "a\nc\nx\nd")).toEqual([" a", "-b", " c", "+x", " d"]);
  });

  it("handles empty sides", () => {
    expect(kinds("", "a\nb")).toEqual(["+a", "+b"]);
    expect(kinds("a\nb", "")).toEqual(["-a", "-b"]);
    expect(kinds("", "")).toEqual([]);
  });

  it("keeps the longest common run when lines move", () => {
    const lines = diffLines("1\n2\n3\n4\n5", "2\n3\n4\n5\n1");
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
    expect(lines.filter((l) => l.kind === "same").map((l) => l.text)).toEqual(["2", "3", "4", "5"]);
  });
});
