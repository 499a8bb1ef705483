/**
 * A pass-through Transform placed between an uploaded file and storage: the bytes flow on unchanged
 * while the file is inspected, so nothing holds it whole. It rejects what cannot be a CSV import
 * (binary formats, NUL bytes, undecodable text, no header, a header without the required columns)
 * as early as it can tell, and otherwise reports what the import needs: encoding, delimiter,
 * header, column map, the number of data rows exactly as the row reader will count them, size,
 * SHA-256, and the first row the reader would fail on.
 *
 * The encoding of a file without a byte-order mark is only known at its end (one invalid UTF-8
 * sequence anywhere makes it Windows-1252), and the two readings can split records differently in
 * corner cases (non-ASCII whitespace before a quote, field sizes). So until the first invalid
 * sequence, two scanners run side by side, one per reading; while a chunk is ASCII and both are in
 * the same state, one scan serves both.
 */
import { createHash } from 'crypto';
import { isAscii } from 'buffer';
import { StringDecoder } from 'string_decoder';
import { Transform, TransformCallback } from 'stream';
import * as iconv from 'iconv-lite';
import { CsvDelimiter, CsvScanner } from './csv-scanner';
import { ScanLimits, defaultMaxRowChars } from './csv-limits';
import {
  CsvEncoding,
  SNIFF_BYTES,
  Utf16Decoder,
  Utf8Validator,
  describeBinarySignature,
  indexOfUndefined1252,
  sniffBom,
  utf8CompleteLength,
} from './encoding/encoding';
import { CsvProblem } from './csv-problems';
import { HeaderSearch } from './header-detection';
import { findHeader } from './header-detection';
import { scanProblem } from './csv-problems';

export class UploadRejectedError extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRejectedError';
  }
}

/**
 * What the caller requires of a header row; the CSV library itself knows no column names (the
 * import's is IMPORT_HEADER in import/rules/columns.ts).
 */
export interface HeaderCheck {
  /** The sentence to answer with (400) when the header cannot be used, or null when it is fine. */
  problem(fields: string[]): string | null;
  /** The columns the caller reads, named when a header is refused for having too many. */
  columnsRead: readonly string[];
}

export interface UploadInspectorOptions {
  header: HeaderCheck;
  /** Longest field allowed, counted in characters (UTF-16 code units) of the decoded text. */
  maxFieldChars: number;
  /** Longest row allowed, in characters; defaults to defaultMaxRowChars(maxFieldChars). */
  maxRowChars?: number;
  /** Most columns the header may have (IMPORT_MAX_COLUMNS); defaults to DEFAULT_MAX_COLUMNS. */
  maxColumns?: number;
}

export const DEFAULT_MAX_COLUMNS = 100;

export interface InspectionResult {
  encoding: CsvEncoding;
  hasBom: boolean;
  delimiter: CsvDelimiter;
  /** Column names as written (trimmed). */
  header: string[];
  /**
   * Data rows the reader will yield: non-blank records after the header. With a problem, only the
   * rows before the problem row (the reader stops there).
   */
  rowCount: number;
  bytes: number;
  /** Hex SHA-256 of the raw bytes. */
  sha256: string;
  /** The first row the import cannot read; the reader throws a CsvFormatError with the same row and message. */
  problem: CsvProblem | null;
}

/** Bytes examined for a header row (long runs of leading blank lines included) before giving up. */
function headCapBytes(limits: ScanLimits): number {
  return Math.max(4 * limits.maxRowChars, 1 << 20);
}

const EMPTY_FILE =
  'The file is empty: it has no header row. Upload a CSV whose first row names the columns ' +
  '(at least clientCode and serviceCode), or download the template.';

const NUL_BYTES =
  'The file contains NUL bytes, so it is not a CSV text file (it may be a binary file, or UTF-16 ' +
  'saved without a byte-order mark): save it as CSV UTF-8 (comma or semicolon delimited) and upload again.';

type HeaderFound = Extract<HeaderSearch, { status: 'found' }>;

export class UploadInspector extends Transform {
  private readonly limits: ScanLimits;
  private readonly maxColumns: number;
  private readonly headerCheck: HeaderCheck;
  private readonly hash = createHash('sha256');
  private bytes = 0;

  private sniffChunks: Buffer[] = [];
  private sniffLength = 0;
  private sniffed = false;
  private hasBom = false;
  private utf16: 'utf-16le' | 'utf-16be' | null = null;

  // UTF-8 / Windows-1252 (everything without a UTF-16 byte-order mark)
  private readonly utf8 = new Utf8Validator();
  private readonly utf8Text = new StringDecoder('utf8');
  private contentOffset = 0;
  private undefined1252At = -1;
  private undefined1252Byte = 0;

  private utf16Decoder: Utf16Decoder | null = null;

  // Header search: the content bytes so far, re-examined whenever they have doubled.
  private head: Buffer[] = [];
  private headLength = 0;
  private nextHeadAttempt = 0;
  private headBytes: Buffer = Buffer.alloc(0);
  private headWasWholeFile = false;
  private header: HeaderFound | null = null;
  private headerEncoding: CsvEncoding = 'utf-8';

  private scanUtf8: CsvScanner | null = null;
  private scan1252: CsvScanner | null = null;
  private scanUtf16: CsvScanner | null = null;

  private outcome: InspectionResult | null = null;

  constructor(opts: UploadInspectorOptions) {
    super();
    this.limits = {
      maxFieldChars: opts.maxFieldChars,
      maxRowChars: opts.maxRowChars ?? defaultMaxRowChars(opts.maxFieldChars),
    };
    this.maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.headerCheck = opts.header;
  }

  /** What the inspection found; only after the stream has ended without an error. */
  result(): InspectionResult {
    if (this.outcome === null)
      throw new Error('UploadInspector.result() is only available after the stream ends');
    return this.outcome;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    try {
      this.accept(chunk);
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.finish();
    } catch (err) {
      callback(err);
      return;
    }
    callback();
  }

  private accept(chunk: Buffer): void {
    if (this.sniffed) {
      this.acceptContent(chunk);
      return;
    }
    this.sniffChunks.push(chunk);
    this.sniffLength += chunk.length;
    if (this.sniffLength >= SNIFF_BYTES) this.sniff();
  }

  private sniff(): void {
    const start = Buffer.concat(this.sniffChunks);
    this.sniffChunks = [];
    this.sniffed = true;
    const bom = sniffBom(start);
    let content = start;
    if (bom !== null) {
      this.hasBom = true;
      content = start.subarray(bom.bomLength);
      if (bom.encoding !== 'utf-8') {
        this.utf16 = bom.encoding;
        this.utf16Decoder = new Utf16Decoder(bom.encoding === 'utf-16be');
      }
    } else {
      const binary = describeBinarySignature(start);
      if (binary !== null) throw new UploadRejectedError(415, binary);
    }
    this.acceptContent(content);
  }

  private acceptContent(bytes: Buffer): void {
    if (this.utf16 === null) this.check8Bit(bytes);
    if (this.header !== null) {
      this.scanBody(bytes);
      return;
    }
    this.head.push(bytes);
    this.headLength += bytes.length;
    if (this.headLength >= this.nextHeadAttempt) this.searchHeader(false);
  }

  private check8Bit(bytes: Buffer): void {
    if (bytes.indexOf(0) >= 0) throw new UploadRejectedError(415, NUL_BYTES);
    const wasValid = this.utf8.valid;
    this.utf8.write(bytes);
    if (this.undefined1252At < 0) {
      const at = indexOfUndefined1252(bytes);
      if (at >= 0) {
        this.undefined1252At = this.contentOffset + at;
        this.undefined1252Byte = bytes[at];
      }
    }
    this.contentOffset += bytes.length;
    if (wasValid && !this.utf8.valid) this.onInvalidUtf8();
    this.checkDecodable();
  }

  private onInvalidUtf8(): void {
    if (this.hasBom) {
      throw new UploadRejectedError(
        400,
        'The file starts with a UTF-8 byte-order mark but is not valid UTF-8 (the first invalid byte is at ' +
          `offset ${this.utf8.firstInvalidOffset + 3}): save it again as CSV UTF-8 and upload again.`,
      );
    }
    this.scanUtf8 = null; // the file is Windows-1252 from now on
  }

  private checkDecodable(): void {
    if (this.utf8.valid || this.undefined1252At < 0) return;
    const byte = this.undefined1252Byte.toString(16).toUpperCase();
    throw new UploadRejectedError(
      400,
      'The file is not valid UTF-8, and it is not Windows-1252 text either (byte 0x' +
        `${byte} at offset ${this.undefined1252At + (this.hasBom ? 3 : 0)} has no meaning there): ` +
        'save it as CSV UTF-8 and upload again.',
    );
  }

  private searchHeader(atEnd: boolean): void {
    const bytes = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head);
    this.head = [bytes];
    this.nextHeadAttempt = Math.max(2 * bytes.length, 1);
    const { text, encoding } = this.decodeHead(bytes);
    const found = findHeader(text, atEnd, this.limits);
    switch (found.status) {
      case 'pending':
        if (bytes.length >= headCapBytes(this.limits)) {
          throw new UploadRejectedError(
            400,
            `No complete header row was found in the first ${bytes.length} bytes (an unclosed quote in the ` +
              'header, or a very long run of empty lines): fix the first row and upload again.',
          );
        }
        return;
      case 'empty':
        throw new UploadRejectedError(400, EMPTY_FILE);
      case 'invalid':
        throw new UploadRejectedError(400, found.message);
    }
    this.acceptHeader(found, encoding);
    this.head = [];
    this.headBytes = bytes;
    this.headWasWholeFile = atEnd;
    this.startBody();
    this.scanBody(bytes);
  }

  private decodeHead(bytes: Buffer): { text: string; encoding: CsvEncoding } {
    if (this.utf16 !== null) {
      const decoder = new Utf16Decoder(this.utf16 === 'utf-16be');
      const text = decoder.write(bytes);
      if (decoder.problem !== null) throw this.badUtf16(decoder.problem);
      if (text.indexOf('\0') >= 0) throw new UploadRejectedError(415, NUL_BYTES);
      return { text, encoding: this.utf16 };
    }
    if (this.utf8.valid)
      return { text: bytes.toString('utf8', 0, utf8CompleteLength(bytes)), encoding: 'utf-8' };
    return { text: iconv.decode(bytes, 'windows-1252'), encoding: 'windows-1252' };
  }

  private acceptHeader(found: HeaderFound, encoding: CsvEncoding): void {
    this.checkWidth(found.fields);
    const problem = this.headerCheck.problem(found.fields);
    if (problem !== null) throw new UploadRejectedError(400, problem);
    this.header = found;
    this.headerEncoding = encoding;
  }

  private startBody(): void {
    const delimiter = (this.header as HeaderFound).delimiter;
    if (this.utf16 !== null) {
      this.scanUtf16 = new CsvScanner(delimiter, this.limits);
      return;
    }
    if (this.utf8.valid) this.scanUtf8 = new CsvScanner(delimiter, this.limits);
    this.scan1252 = new CsvScanner(delimiter, this.limits);
  }

  private scanBody(bytes: Buffer): void {
    if (this.utf16Decoder !== null) {
      const text = this.utf16Decoder.write(bytes);
      if (this.utf16Decoder.problem !== null) throw this.badUtf16(this.utf16Decoder.problem);
      if (text.indexOf('\0') >= 0) throw new UploadRejectedError(415, NUL_BYTES);
      (this.scanUtf16 as CsvScanner).scan(text);
      return;
    }
    const s1252 = this.scan1252 as CsvScanner;
    const s8 = this.scanUtf8;
    if (s8 === null) {
      // Latin-1 and Windows-1252 differ only in 0x80-0x9F, none of which is whitespace or CSV syntax,
      // and both give one character per byte: the cheap native Latin-1 decoding scans the same.
      s1252.scan(bytes.toString('latin1'));
      return;
    }
    const text8 = this.utf8Text.write(bytes);
    if (isAscii(bytes) && s8.sameStateAs(s1252)) {
      s8.scan(text8);
      this.scan1252 = s8.clone();
      return;
    }
    s8.scan(text8);
    s1252.scan(bytes.toString('latin1'));
  }

  private badUtf16(why: string): UploadRejectedError {
    return new UploadRejectedError(
      400,
      `The file is marked as UTF-16 by its byte-order mark, but ${why}: save it again as CSV UTF-8 and upload again.`,
    );
  }

  private finish(): void {
    if (!this.sniffed) this.sniff();
    if (this.utf16Decoder !== null) {
      this.utf16Decoder.end();
      if (this.utf16Decoder.problem !== null) throw this.badUtf16(this.utf16Decoder.problem);
    } else {
      const wasValid = this.utf8.valid;
      this.utf8.end();
      if (wasValid && !this.utf8.valid) this.onInvalidUtf8();
      this.checkDecodable();
    }
    if (this.header === null) this.searchHeader(true);
    const header = this.header as HeaderFound;

    let scan: CsvScanner;
    let encoding: CsvEncoding;
    if (this.utf16 !== null) {
      scan = this.scanUtf16 as CsvScanner;
      encoding = this.utf16;
      scan.scan('', true);
    } else if (this.scanUtf8 !== null) {
      scan = this.scanUtf8;
      encoding = 'utf-8';
      scan.scan(this.utf8Text.end(), true);
    } else {
      scan = this.scan1252 as CsvScanner;
      encoding = 'windows-1252';
      scan.scan('', true);
    }

    let fields = header.fields;
    if (encoding !== this.headerEncoding) fields = this.rereadHeader(encoding, header.delimiter);

    const problem = scanProblem(scan);
    if (problem !== null && problem.rowNumber === 0) throw new UploadRejectedError(400, problem.message);

    this.outcome = {
      encoding,
      hasBom: this.hasBom,
      delimiter: header.delimiter,
      header: fields,
      rowCount: scan.dataRowCount,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
      problem,
    };
  }

  /**
   * The header was read as UTF-8 while the file looked like UTF-8; it turned out Windows-1252, so
   * read it again that way (names with accents change, and the required columns are checked again).
   */
  private rereadHeader(encoding: CsvEncoding, delimiter: CsvDelimiter): string[] {
    const text = iconv.decode(this.headBytes, encoding);
    const found = findHeader(text, this.headWasWholeFile, this.limits, [delimiter]);
    if (found.status !== 'found') {
      throw new UploadRejectedError(400, found.status === 'invalid' ? found.message : EMPTY_FILE);
    }
    this.checkWidth(found.fields);
    const problem = this.headerCheck.problem(found.fields);
    if (problem !== null) throw new UploadRejectedError(400, problem);
    return found.fields;
  }

  /**
   * Every row of the file is read, kept and reported as wide as its header, so the header's width
   * bounds what an import holds per row: refused before anything else is said about the columns.
   */
  private checkWidth(fields: string[]): void {
    if (fields.length <= this.maxColumns) return;
    throw new UploadRejectedError(
      400,
      `The header row has ${fields.length} columns; the limit is ${this.maxColumns} (IMPORT_MAX_COLUMNS). ` +
        `Remove the columns you do not need (the import reads ${this.headerCheck.columnsRead.join(', ')}) and upload again.`,
    );
  }
}
