/**
 * The server places chunks by byte offsets into the UTF-8 text; JavaScript strings index UTF-16
 * code units. These turn one into the other, so a chunk can be cut out of non-ASCII text.
 */

/** UTF-8 length of the code point `cp`. */
function utf8Length(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/**
 * The string indices `[from, to)` of the bytes `[start, end)` of `text` in UTF-8. An offset
 * inside a character moves to that character's start (for `start`) or past it (for `end`);
 * offsets beyond the text are clamped to its length, and `to` is never before `from`.
 */
export function byteRangeToIndices(text: string, start: number, end: number): [number, number] {
  let bytes = 0;
  let from: number | null = null;
  let to: number | null = null;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = utf8Length(cp);
    if (from === null && start < bytes + width) from = i;
    if (to === null && end <= bytes) to = i;
    if (from !== null && to !== null) break;
    bytes += width;
    i += cp > 0xffff ? 2 : 1;
  }
  const f = from ?? text.length;
  const t = to ?? text.length;
  return [f, Math.max(f, t)];
}
