// The characters fast-csv's syntax turns on, and the runs of plain characters between them that
// the scanner skips in tight loops (the hot path of reading a file).

const LF = 10;
const CR = 13;

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

/** Index of the first `stop` character (a delimiter or a quote) or line break from `from` on, or the text's length. */
export function plainRunEnd(text: string, from: number, stop: number): number {
  const n = text.length;
  let i = from;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === stop || c === LF || c === CR) break;
  }
  return i;
}
