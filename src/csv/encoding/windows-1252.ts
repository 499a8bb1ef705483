// What Windows-1252 leaves undefined, so that a file is never decoded with replacement characters.

/**
 * Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): a decoder would replace
 * them with U+FFFD, and the import never replaces characters silently.
 */
const UNDEFINED_1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

/** Index of the first byte Windows-1252 does not define, or -1. */
export function indexOfUndefined1252(buf: Buffer): number {
  let first = -1;
  for (const byte of UNDEFINED_1252) {
    const at = buf.indexOf(byte);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}
