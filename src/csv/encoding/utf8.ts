// UTF-8 validity, checked chunk by chunk (a multi-byte sequence may be split across chunks).
import { isUtf8 } from 'buffer';

/** Length of a sequence started by this lead byte (1 for ASCII), 0 for a byte no sequence starts with. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * How many leading bytes of `buf` end on a sequence boundary: the rest (at most 3 bytes) is the start
 * of a multi-byte sequence that the next chunk may complete. Invalid bytes are not held back: the
 * validator must see them.
 */
export function utf8CompleteLength(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const byte = buf[n - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back for its lead
    const need = utf8SequenceLength(byte);
    return need > back ? n - back : n;
  }
  return n;
}

/**
 * Offset of the first byte that does not begin or continue a valid UTF-8 sequence (the same rules as
 * Node's isUtf8), or -1 when the whole buffer is valid; a sequence cut off by the end counts as invalid.
 * Byte by byte: used only to name the position once a file is known to be invalid.
 */
export function firstInvalidUtf8(buf: Buffer): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const lead = buf[i];
    const len = utf8SequenceLength(lead);
    if (len === 0) return i;
    if (len === 1) {
      i++;
      continue;
    }
    // The second byte's range excludes overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
    let lo = 0x80;
    let hi = 0xbf;
    if (lead === 0xe0) lo = 0xa0;
    else if (lead === 0xed) hi = 0x9f;
    else if (lead === 0xf0) lo = 0x90;
    else if (lead === 0xf4) hi = 0x8f;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return i;
      const byte = buf[i + k];
      if (k === 1 ? byte < lo || byte > hi : (byte & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return -1;
}

/**
 * Strict UTF-8 validation over a stream of chunks (overlongs, surrogates and code points above
 * U+10FFFF are invalid, as in the WHATWG decoder). Cheap: Node's native isUtf8 does the bulk.
 */
export class Utf8Validator {
  private carry: Buffer = Buffer.alloc(0);
  private seen = 0;
  private invalidAt = -1;

  /** False once any invalid byte has been seen. */
  get valid(): boolean {
    return this.invalidAt < 0;
  }

  /** Offset (among the bytes written) of the first invalid byte, -1 while everything is valid. */
  get firstInvalidOffset(): number {
    return this.invalidAt;
  }

  /** Returns whether everything written so far is valid UTF-8 (an incomplete tail is not yet invalid). */
  write(chunk: Buffer): boolean {
    if (this.invalidAt >= 0 || chunk.length === 0) {
      this.seen += chunk.length;
      return this.valid;
    }
    const start = this.seen - this.carry.length;
    this.seen += chunk.length;
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const complete = utf8CompleteLength(data);
    if (!isUtf8(data.subarray(0, complete))) {
      this.invalidAt = start + firstInvalidUtf8(data);
      this.carry = Buffer.alloc(0);
      return false;
    }
    this.carry = Buffer.from(data.subarray(complete));
    return true;
  }

  /** Call once at the end: a sequence cut off by the end of the file is invalid. */
  end(): boolean {
    if (this.invalidAt < 0 && this.carry.length > 0) this.invalidAt = this.seen - this.carry.length;
    this.carry = Buffer.alloc(0);
    return this.valid;
  }
}
