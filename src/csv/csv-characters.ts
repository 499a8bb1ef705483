// The characters fast-csv's syntax turns on, and the runs of plain characters between them that
// the scanner skips in tight loops (the hot path of reading a file).

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** JavaScript's \s, the set String.prototype.trim and fast-csv's token regexp use. */
export function isJsWhitespace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whether text[from, to) holds anything but whitespace. */
export function hasNonWhitespace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isJsWhitespace(text.charCodeAt(i))) return true;
  return false;
}

/** Index of the first delimiter or line break at or after `from`, or the text's length. */
export function unquotedRunEnd(text: string, from: number, delim: number): number {
  const n = text.length;
  let i = from;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === delim || c === LF || c === CR) break;
  }
  return i;
}

/** Index of the first quote or line break at or after `from`, or the text's length. */
export function quotedRunEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === LF || c === CR) break;
  }
  return i;
}
