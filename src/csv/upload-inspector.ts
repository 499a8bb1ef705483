/**
 * A pass-through Transform placed between an uploaded file and storage: the bytes flow on unchanged
 * while the file is inspected, so nothing holds it whole. It rejects what cannot be a CSV import
 * (binary formats, NUL bytes, undecodable text, no header, a header without the required columns)
 * as early as it can tell, and otherwise reports what the import needs: encoding, delimiter,
 * header, column map, the number of data rows exactly as the row reader will count them, size,
 * SHA-256, and the first row the reader would fail on.
 *
 * Each byte goes through three stages: UploadEncoding (what text the bytes are), UploadHeader
 * (until the header row is found) and a BodyScan (the records, under each reading still possible).
 */
import { createHash } from 'crypto';
import { Transform, TransformCallback } from 'stream';
import type { CsvDelimiter } from './csv-scanner';
import { ScanLimits, defaultMaxRowChars } from './csv-limits';
import type { CsvEncoding } from './encoding/encoding';
import { CsvProblem, scanProblem } from './csv-problems';
import { UploadEncoding } from './upload-encoding';
import { HeaderCheck, UploadHeader } from './upload-header';
import { BodyScan, startBodyScan } from './body-scan';
import { refused } from './upload-rejections';

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

export class UploadInspector extends Transform {
  private readonly limits: ScanLimits;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private readonly encoding = new UploadEncoding();
  private readonly header: UploadHeader;
  private body: BodyScan | null = null;
  private outcome: InspectionResult | null = null;

  constructor(opts: UploadInspectorOptions) {
    super();
    this.limits = {
      maxFieldChars: opts.maxFieldChars,
      maxRowChars: opts.maxRowChars ?? defaultMaxRowChars(opts.maxFieldChars),
    };
    const maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.header = new UploadHeader(this.encoding, this.limits, opts.header, maxColumns);
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
      const content = this.encoding.write(chunk);
      if (content !== null) this.accept(content);
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

  private accept(content: Buffer): void {
    if (this.body !== null) {
      this.body.write(content);
      return;
    }
    const head = this.header.write(content);
    if (head !== null) this.startBody(head);
  }

  /** The header is in `head`, the content so far: the body scan starts from the file's start. */
  private startBody(head: Buffer): void {
    this.body = startBodyScan(this.encoding, this.header.delimiter, this.limits);
    this.body.write(head);
  }

  private finish(): void {
    const rest = this.encoding.drain();
    if (rest !== null) this.accept(rest);
    this.encoding.end();
    if (this.body === null) this.startBody(this.header.end());
    const { encoding, scanner } = (this.body as BodyScan).end();
    const header = this.header.fieldsIn(encoding);
    const problem = scanProblem(scanner);
    if (problem !== null && problem.rowNumber === 0) throw refused(problem.message);
    this.outcome = {
      encoding,
      hasBom: this.encoding.hasBom,
      delimiter: this.header.delimiter,
      header,
      rowCount: scanner.dataRowCount,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
      problem,
    };
  }
}
