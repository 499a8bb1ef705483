/**
 * The pass-through Transform an upload streams through on its way to storage: its first bytes say
 * what it is, by content and never by name. A zip (PK 03 04) is read as an .xlsx workbook
 * (XlsxInspection), an OLE2 compound file (D0 CF 11 E0) is an .xls or an encrypted workbook and
 * refused (CfbInspection), anything else is text for the CSV UploadInspector, driven here.
 */
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import {
  InspectionResult,
  UploadInspector,
  UploadInspectorOptions,
  DEFAULT_MAX_COLUMNS,
} from '../upload-inspector';
import { refused } from '../upload-rejections';
import { CFB_SIGNATURE, CfbInspection } from './cfb-inspection';
import { XlsxInspection } from './xlsx-inspection';

export type UploadFormat = 'csv' | 'xlsx';

export interface UploadInspection extends InspectionResult {
  format: UploadFormat;
  /** The sheet read, for a workbook; null for CSV. */
  sheet: string | null;
}

export interface UploadFormatOptions extends UploadInspectorOptions {
  maxInflatedBytes: number;
  /** ?sheet=, or null. */
  sheet: string | null;
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const SNIFF = CFB_SIGNATURE.length;

export class UploadFormatInspector extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private csv: UploadInspector | null = null;
  private xlsx: XlsxInspection | null = null;
  private cfb: CfbInspection | null = null;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private outcome: UploadInspection | null = null;

  constructor(private readonly options: UploadFormatOptions) {
    super();
  }

  result(): UploadInspection {
    if (this.outcome === null)
      throw new Error('UploadFormatInspector.result() is only available after the stream ends');
    return this.outcome;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.csv === null && this.xlsx === null && this.cfb === null) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < SNIFF) return callback();
      const head = Buffer.concat(this.head);
      this.head = [];
      this.choose(head);
      this.pass(head, callback);
      return;
    }
    this.pass(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.csv === null && this.xlsx === null && this.cfb === null) {
      const head = Buffer.concat(this.head);
      this.choose(head);
      if (head.length > 0) {
        this.pass(head, (error) => (error ? callback(error) : this.finish(callback)));
        return;
      }
    }
    this.finish(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.xlsx?.abort();
    callback(error);
  }

  private choose(head: Buffer): void {
    if (head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)) {
      const o = this.options;
      this.xlsx = new XlsxInspection(
        {
          header: o.header,
          maxFieldChars: o.maxFieldChars,
          maxColumns: o.maxColumns ?? DEFAULT_MAX_COLUMNS,
          maxInflatedBytes: o.maxInflatedBytes,
          sheet: o.sheet,
        },
        (error) => this.destroy(error),
      );
    } else if (head.subarray(0, SNIFF).equals(CFB_SIGNATURE)) {
      this.cfb = new CfbInspection();
    } else {
      this.csv = new UploadInspector(this.options);
    }
  }

  private pass(chunk: Buffer, callback: TransformCallback): void {
    if (this.xlsx !== null) {
      this.xlsx.write(chunk).then(
        () => callback(null, chunk),
        (error: Error) => callback(error),
      );
      return;
    }
    try {
      if (this.cfb !== null) this.cfb.write(chunk);
      else {
        const out: { error?: Error | null } = {};
        (this.csv as UploadInspector)._transform(chunk, 'binary', (error) => (out.error = error));
        if (out.error) throw out.error;
      }
    } catch (error) {
      return callback(error as Error);
    }
    callback(null, chunk);
  }

  private finish(callback: TransformCallback): void {
    const sha256 = this.hash.digest('hex');
    if (this.xlsx !== null) {
      this.xlsx.end().then(
        (found) => {
          this.outcome = {
            format: 'xlsx',
            sheet: found.sheet,
            encoding: 'utf-8',
            hasBom: false,
            delimiter: ',',
            header: found.header,
            rowCount: found.rowCount,
            bytes: this.bytes,
            sha256,
            problem: found.problem,
          };
          callback();
        },
        (error: Error) => callback(error),
      );
      return;
    }
    try {
      if (this.cfb !== null) this.cfb.end();
      const csv = this.csv as UploadInspector;
      if (this.options.sheet !== null) {
        throw refused(
          `?sheet=${this.options.sheet} names a sheet of a workbook, but this file is CSV, which has none: leave it out.`,
        );
      }
      const out: { error?: Error | null } = {};
      csv._flush((error) => (out.error = error));
      if (out.error) throw out.error;
      this.outcome = { ...csv.result(), format: 'csv', sheet: null };
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }
}
