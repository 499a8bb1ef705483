/**
 * Finds an upload's header row while its content streams in: the content so far is decoded and
 * searched again each time it has doubled, up to a cap. The header found is checked at once (its
 * width, then the caller's HeaderCheck), and read again at the end if the file turns out not to be
 * in the encoding it was found in.
 */
import * as iconv from 'iconv-lite';
import type { CsvDelimiter } from './csv-scanner';
import type { CsvEncoding } from './encoding/encoding';
import type { ScanLimits } from './csv-limits';
import type { UploadEncoding } from './upload-encoding';
import { findHeader } from './header-detection';
import { emptyFile, noCompleteHeader, refused, tooManyColumns } from './upload-rejections';

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

interface Found {
  delimiter: CsvDelimiter;
  fields: string[];
  /** The content it was found in, the encoding it was read in, and whether that was the whole file. */
  bytes: Buffer;
  encoding: CsvEncoding;
  wholeFile: boolean;
}

/** Bytes examined for a header row (long runs of leading blank lines included) before giving up. */
function headCapBytes(limits: ScanLimits): number {
  return Math.max(4 * limits.maxRowChars, 1 << 20);
}

export class UploadHeader {
  private head: Buffer[] = [];
  private headLength = 0;
  private nextAttempt = 0;
  private found: Found | null = null;

  constructor(
    private readonly encoding: UploadEncoding,
    private readonly limits: ScanLimits,
    private readonly check: HeaderCheck,
    private readonly maxColumns: number,
  ) {}

  /** The delimiter of the header found; only once write() or end() has returned its content. */
  get delimiter(): CsvDelimiter {
    return (this.found as Found).delimiter;
  }

  /** Adds content; returns all the content so far once it holds the header, null until then. */
  write(bytes: Buffer): Buffer | null {
    this.head.push(bytes);
    this.headLength += bytes.length;
    return this.headLength >= this.nextAttempt ? this.search(false) : null;
  }

  /** At the end of the file, before the header was found: it is in what there is, or there is none. */
  end(): Buffer {
    return this.search(true) as Buffer;
  }

  /** The header's names as the file reads in `encoding`, the one it turned out to have. */
  fieldsIn(encoding: CsvEncoding): string[] {
    const found = this.found as Found;
    if (encoding === found.encoding) return found.fields;
    // Found while the file looked like UTF-8: names with accents change, and are checked again.
    const text = iconv.decode(found.bytes, encoding);
    const again = findHeader(text, found.wholeFile, this.limits, [found.delimiter]);
    if (again.status !== 'found') throw again.status === 'invalid' ? refused(again.message) : emptyFile();
    this.checkFields(again.fields);
    return again.fields;
  }

  private search(atEnd: boolean): Buffer | null {
    const bytes = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head);
    this.head = [bytes];
    this.nextAttempt = Math.max(2 * bytes.length, 1);
    const encoding = this.encoding.encoding;
    const found = findHeader(this.encoding.decode(bytes), atEnd, this.limits);
    switch (found.status) {
      case 'pending':
        if (bytes.length >= headCapBytes(this.limits)) throw noCompleteHeader(bytes.length);
        return null;
      case 'empty':
        throw emptyFile();
      case 'invalid':
        throw refused(found.message);
    }
    this.checkFields(found.fields);
    this.found = { delimiter: found.delimiter, fields: found.fields, bytes, encoding, wholeFile: atEnd };
    this.head = [];
    return bytes;
  }

  /**
   * Every row of the file is read, kept and reported as wide as its header, so the header's width
   * bounds what an import holds per row: refused before anything else is said about the columns.
   */
  private checkFields(fields: string[]): void {
    if (fields.length > this.maxColumns) {
      throw tooManyColumns(fields.length, this.maxColumns, this.check.columnsRead);
    }
    const problem = this.check.problem(fields);
    if (problem !== null) throw refused(problem);
  }
}
