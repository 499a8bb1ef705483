/**
 * The upload-time inspection of a workbook, the counterpart of the CSV UploadInspector's: while the
 * bytes stream on into storage, the same bytes are read as the workbook (sheet-rows.ts, so exactly
 * as the parse thread will read them): the sheet asked for must exist, its header row is checked
 * (width, then the caller's HeaderCheck; the 400 names the sheet), the data rows are counted and the
 * first value over the limit is noted, and the inflated size is bounded. A problem with the header
 * or the workbook is known as soon as that part has been read, and fails the upload before a job
 * exists.
 */
import { PassThrough } from 'node:stream';
import type { CsvProblem } from '../csv-problems';
import type { HeaderCheck } from '../upload-header';
import { UploadRejectedError, refused, tooManyColumns } from '../upload-rejections';
import { openRecords, sizeProblem } from './sheet-rows';
import { damagedWorkbook, emptySheet } from './xlsx-rejections';

export interface XlsxInspectionOptions {
  header: HeaderCheck;
  maxFieldChars: number;
  maxColumns: number;
  maxInflatedBytes: number;
  /** ?sheet=: the sheet's name, or null for the first. */
  sheet: string | null;
}

export interface XlsxFindings {
  sheet: string;
  header: string[];
  rowCount: number;
  problem: CsvProblem | null;
}

const STALL_MS = 3000;

export class XlsxInspection {
  /** The bytes, as the workbook reader takes them. */
  private readonly feed = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly reading: Promise<XlsxFindings>;
  private settled = false;
  private failure: Error | null = null;
  private lastProgress = Date.now();
  private readonly stop = new AbortController();

  constructor(
    private readonly options: XlsxInspectionOptions,
    /** Told of a refusal as soon as it is known, while bytes still arrive. */
    onFailure: (error: Error) => void,
  ) {
    this.reading = this.read().catch((error: Error) => {
      if (error instanceof UploadRejectedError) throw error;
      throw damagedWorkbook(error);
    });
    this.reading.then(
      () => (this.settled = true),
      (error: Error) => {
        this.settled = true;
        this.failure = error;
        this.feed.destroy();
        onFailure(error);
      },
    );
  }

  /** Takes the next bytes; resolves once the reader can take more (or has ended). */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.settled || this.feed.write(chunk)) return;
    await this.watched(
      new Promise<void>((resolve) => {
        const done = () => {
          this.feed.off('drain', done);
          resolve();
        };
        this.feed.on('drain', done);
        this.reading.then(done, done);
      }),
    );
    const failure = this.failure as Error | null; // set meanwhile, by the reading's end
    if (failure) throw failure;
  }

  /** The upload stopped (client gone, too large, storage failed): the reader stops, its spool is removed. */
  abort(): void {
    if (!this.settled) this.stop.abort(new Error('the upload stopped'));
  }

  /** Every byte is in: the reading finishes. */
  async end(): Promise<XlsxFindings> {
    if (this.settled) return this.reading;
    this.feed.end();
    return this.watched(this.reading);
  }

  /**
   * Waits for the reader (to take more bytes, or to finish), which must move on meanwhile: a zip
   * damaged in its sizes can leave unzipper waiting, without an error, for bytes that will never
   * come (or never take them): no progress for STALL_MS is a damaged workbook.
   */
  private async watched<T>(wait: Promise<T>): Promise<T> {
    this.lastProgress = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      watchdog = setInterval(() => {
        if (Date.now() - this.lastProgress <= STALL_MS) return;
        const error = damagedWorkbook(new Error('it ends in the middle of a part'));
        this.stop.abort(error); // the reader lets go of what it holds (its spool)
        this.failure ??= error;
        reject(error);
      }, 500);
      watchdog.unref();
    });
    try {
      return await Promise.race([wait, stalled]);
    } finally {
      clearInterval(watchdog);
    }
  }

  private async read(): Promise<XlsxFindings> {
    const o = this.options;
    const { sheet, records } = await openRecords(this.feed, {
      ...o,
      onProgress: () => (this.lastProgress = Date.now()),
    });
    let header: string[] | null = null;
    let rowCount = 0;
    let problem: CsvProblem | null = null;
    for await (const record of records) {
      if (header === null) {
        header = record.fields;
        const tooLong = sizeProblem(record, 0, sheet, o.maxFieldChars);
        if (tooLong !== null) throw refused(tooLong);
        if (header.length > o.maxColumns)
          throw onSheet(sheet, tooManyColumns(header.length, o.maxColumns, o.header.columnsRead));
        const wrong = o.header.problem(header);
        if (wrong !== null) throw refused(`Sheet "${sheet}": ${wrong}`);
        continue;
      }
      const at = rowCount + 1;
      const tooLong = sizeProblem(record, at, sheet, o.maxFieldChars);
      if (tooLong !== null) {
        // As for CSV, the import fails on this row, and the rows after it are not counted.
        problem = { kind: 'field-too-large', rowNumber: at, message: tooLong };
        break;
      }
      rowCount = at;
    }
    if (header === null) throw emptySheet(sheet);
    // Reading stopped at a problem: the rest of the bytes still pass on to storage, unread.
    return { sheet, header, rowCount, problem };
  }
}

function onSheet(sheet: string, error: UploadRejectedError): UploadRejectedError {
  return new UploadRejectedError(error.status, `Sheet "${sheet}": ${error.message}`);
}
