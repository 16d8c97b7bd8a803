import { describe, expect, it } from "vitest";
import { byteToIndex, splitAtBytes } from "./offsets";

/** The byte offset of `part` in `text` as the server computes it (UTF-8). */
const byteOffset = (text: string, part: string) => new TextEncoder().encode(text.slice(0, text.indexOf(part))).length;

describe("byteToIndex", () => {
  it("is the identity on ASCII", () => {
    expect(byteToIndex("hello world", 6)).toBe(6);
    expect(byteToIndex("hello", 0)).toBe(0);
  });

  it("counts two, three and four byte characters (a surrogate pair is two string units)", () => {
    const text = "é中😀x";
    // é = 2 bytes, 中 = 3 bytes, 😀 = 4 bytes (2 UTF-16 units).
    expect(byteToIndex(text, 2)).toBe(1);
    expect(byteToIndex(text, 5)).toBe(2);
    expect(byteToIndex(text, 9)).toBe(4);
    expect(text.slice(byteToIndex(text, 9))).toBe("x");
  });

  it("rounds an offset inside a character up to the next one and clamps past the end", () => {
    expect(byteToIndex("中x", 1)).toBe(1);
    expect(byteToIndex("abc", 99)).toBe(3);
    expect(byteToIndex("abc", -4)).toBe(0);
  });
});

describe("splitAtBytes", () => {
  it("cuts a chunk out of non-ASCII text at the server's byte offsets", () => {
    const text = "# Über uns\n\nWir lieben Käse 🧀 und Brot.\n\nEnde.";
    const chunk = "Wir lieben Käse 🧀 und Brot.";
    const start = byteOffset(text, chunk);
    const end = start + new TextEncoder().encode(chunk).length;
    expect(splitAtBytes(text, start, end)).toEqual({
      before: "# Über uns\n\n",
      match: chunk,
      after: "\n\nEnde.",
    });
  });

  it("gives an empty match for an empty or reversed range", () => {
    expect(splitAtBytes("abc", 2, 1).match).toBe("");
  });
});
