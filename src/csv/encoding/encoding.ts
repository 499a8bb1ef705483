/**
 * Byte-level helpers for recognising what an upload is: a byte-order mark, a known binary format,
 * UTF-8 validity checked chunk by chunk (a multi-byte sequence may be split across chunks), and a
 * UTF-16 decoder that refuses what it cannot decode instead of replacing it.
 */
import { isUtf8 } from 'buffer';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface BomSniff {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  bomLength: number;
}

/** The encoding a byte-order mark announces, or null when the bytes start without one. */
export function sniffBom(head: Buffer): BomSniff | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}

interface Signature {
  bytes: readonly (number | null)[]; // null: any byte
  offset?: number;
  what: string;
  advice: string;
}

const EXPORT_CSV = 'export or save the data as CSV (comma or semicolon delimited) and upload again';
const SAVE_AS_CSV = 'save it as CSV (comma or semicolon delimited) and upload again';
const UNPACK = 'unpack it and upload the CSV file inside';

const ascii = (text: string): number[] => [...text].map((ch) => ch.charCodeAt(0));

/** Checked in order; the longest and most specific first. Text formats are never listed here. */
const SIGNATURES: readonly Signature[] = [
  { bytes: ascii('%PDF'), what: 'a PDF document', advice: EXPORT_CSV },
  { bytes: [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image', advice: EXPORT_CSV },
  { bytes: ascii('GIF87a'), what: 'a GIF image', advice: EXPORT_CSV },
  { bytes: ascii('GIF89a'), what: 'a GIF image', advice: EXPORT_CSV },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', advice: EXPORT_CSV },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image', advice: EXPORT_CSV },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image', advice: EXPORT_CSV },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'an Excel workbook (.xlsx/zip) or another zip archive (.docx, .ods, .zip)',
    advice: SAVE_AS_CSV,
  },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive', advice: SAVE_AS_CSV },
  { bytes: [0x50, 0x4b, 0x07, 0x08], what: 'a zip archive', advice: UNPACK },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: 'an old-format Excel workbook (.xls) or another Office document',
    advice: SAVE_AS_CSV,
  },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file', advice: UNPACK },
  {
    bytes: [...ascii('BZh'), null, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
    what: 'a bzip2-compressed file',
    advice: UNPACK,
  },
  { bytes: [0xfd, ...ascii('7zXZ'), 0x00], what: 'an xz-compressed file', advice: UNPACK },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file', advice: UNPACK },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', advice: UNPACK },
  { bytes: [...ascii('Rar!'), 0x1a, 0x07], what: 'a RAR archive', advice: UNPACK },
  { bytes: [0x7f, ...ascii('ELF')], what: 'a program (ELF executable)', advice: EXPORT_CSV },
  { bytes: [...ascii('SQLite format 3'), 0x00], what: 'an SQLite database', advice: EXPORT_CSV },
];

/** Bytes needed to recognise every signature above (and any byte-order mark). */
export const SNIFF_BYTES = 16;

/**
 * The sentence for a file whose first bytes show a known binary format, or null. `head` should hold
 * the first SNIFF_BYTES bytes (fewer only when the file is that short).
 */
export function describeBinarySignature(head: Buffer): string | null {
  for (const sig of SIGNATURES) {
    const offset = sig.offset ?? 0;
    if (head.length < offset + sig.bytes.length) continue;
    let match = true;
    for (let i = 0; i < sig.bytes.length; i++) {
      const expected = sig.bytes[i];
      if (expected !== null && head[offset + i] !== expected) {
        match = false;
        break;
      }
    }
    if (match) return `The file is ${sig.what}, not CSV: ${sig.advice}.`;
  }
  return null;
}

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

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-16 (LE or BE, BOM already removed) to text, chunk by chunk. Unlike a lenient decoder it reports
 * an odd trailing byte and unpaired surrogates instead of dropping or passing them on.
 */
export class Utf16Decoder {
  private oddByte: number | null = null;
  private highSurrogate = '';
  private bad: string | null = null;

  constructor(private readonly bigEndian: boolean) {}

  /** Why the input is not valid UTF-16, or null. */
  get problem(): string | null {
    return this.bad;
  }

  write(chunk: Buffer): string {
    if (chunk.length === 0) return '';
    let bytes = chunk;
    if (this.oddByte !== null) {
      bytes = Buffer.allocUnsafe(chunk.length + 1);
      bytes[0] = this.oddByte;
      chunk.copy(bytes, 1);
      this.oddByte = null;
    }
    const even = bytes.length & ~1;
    if (even < bytes.length) this.oddByte = bytes[even];
    let units = bytes.subarray(0, even);
    if (this.bigEndian) units = Buffer.from(units).swap16();
    let text = this.highSurrogate + units.toString('utf16le');
    this.highSurrogate = '';
    const last = text.length > 0 ? text.charCodeAt(text.length - 1) : 0;
    if (last >= 0xd800 && last <= 0xdbff) {
      this.highSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (this.bad === null && LONE_SURROGATE.test(text)) {
      this.bad = 'it contains an unpaired UTF-16 surrogate (a damaged character)';
    }
    return text;
  }

  end(): string {
    if (this.bad === null && this.oddByte !== null) this.bad = 'it ends in the middle of a UTF-16 character';
    if (this.bad === null && this.highSurrogate !== '') {
      this.bad = 'it contains an unpaired UTF-16 surrogate (a damaged character)';
    }
    this.oddByte = null;
    this.highSurrogate = '';
    return '';
  }
}
