import { describe, expect, it } from "vitest";
import { byteRangeToIndices } from "./offsets";

/** The bytes [start, end) of `text`, cut as the server would. */
function cut(text: string, start: number, end: number): string {
  const [from, to] = byteRangeToIndices(text, start, end);
  return text.slice(from, to);
}

describe("byteRangeToIndices", () => {
  it("is the identity on ASCII", () => {
    expect(byteRangeToIndices("hello world", 6, 11)).toEqual([6, 11]);
    expect(cut("hello world", 0, 5)).toBe("hello");
  });

  it("counts two-, three- and four-byte characters as the server's UTF-8 does", () => {
    const text = "Café ☕ and 🦙 llamas über alles";
    const bytes = new TextEncoder().encode(text);
    const piece = (word: string) => {
      const start = new TextEncoder().encode(text.slice(0, text.indexOf(word))).length;
      return [start, start + new TextEncoder().encode(word).length] as const;
    };
    for (const word of ["Café", "☕", "🦙", "llamas", "über alles"]) {
      const [start, end] = piece(word);
      expect(cut(text, start, end), word).toBe(word);
    }
    expect(cut(text, 0, bytes.length)).toBe(text);
  });

  it("widens an offset inside a character to the whole character", () => {
    // "é" is bytes 3..5 of "Café"; a range starting or ending inside it keeps it whole.
    expect(cut("Café!", 4, 5)).toBe("é");
    expect(cut("a🦙b", 2, 3)).toBe("🦙");
  });

  it("clamps offsets past the end and never gives a reversed range", () => {
    expect(byteRangeToIndices("abc", 1, 99)).toEqual([1, 3]);
    expect(byteRangeToIndices("abc", 50, 60)).toEqual([3, 3]);
    expect(byteRangeToIndices("abc", 2, 1)).toEqual([2, 2]);
    expect(byteRangeToIndices("", 0, 4)).toEqual([0, 0]);
  });
});
