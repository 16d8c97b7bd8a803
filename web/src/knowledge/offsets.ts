/**
 * The server gives chunk and section positions as byte offsets into the UTF-8 text; JavaScript
 * strings are indexed in UTF-16 code units. These convert one into the other.
 */

/** How many UTF-8 bytes the code point takes. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * The string index where the UTF-8 byte offset `byte` falls: the start of the character that
 * reaches it (an offset inside a character rounds up to the next one), clamped to the text.
 */
export function byteToIndex(text: string, byte: number): number {
  if (byte <= 0) return 0;
  let bytes = 0;
  let index = 0;
  while (index < text.length && bytes < byte) {
    const codePoint = text.codePointAt(index) ?? 0;
    bytes += utf8Length(codePoint);
    index += codePoint > 0xffff ? 2 : 1;
  }
  return index;
}

/** The text cut around the byte range [start, end): before it, in it, after it. */
export function splitAtBytes(text: string, start: number, end: number): { before: string; match: string; after: string } {
  const from = byteToIndex(text, start);
  const to = Math.max(from, byteToIndex(text, end));
  return { before: text.slice(0, from), match: text.slice(from, to), after: text.slice(to) };
}
