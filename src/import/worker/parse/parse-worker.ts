/**
 * The parse worker thread: decode → parse (fast-csv) → validate → batch, for one import run at a
 * time. Runs off the main thread so that the HTTP API and the database connection of the process
 * are never held up behind parsing, and so that parsing the next batch overlaps the database's work
 * on the current one. See parse-protocol.ts for the messages.
 */
import { setPriority } from 'node:os';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { mapColumns } from '../../rules/columns';
import { CsvFormatError, readDataRows } from '../../../csv/row-reader';
import { UploadRejectedError } from '../../../csv/upload-rejections';
import { readSheetDataRows } from '../../../csv/xlsx/sheet-rows';
import { BatchBuilder } from './batch-builder';
import { FromWorker, MAX_BATCHES_AHEAD, MAX_BATCH_CHARS, ParseOptions, ToWorker } from './parse-protocol';
import { transferables } from './parsed-batch';

// On Linux a nice value belongs to one thread: this one yields the CPU to the HTTP API of the same
// process (and to PostgreSQL) when cores are short. It only waits for them; it never stops.
const PARSE_THREAD_NICE = 10;
try {
  setPriority(PARSE_THREAD_NICE);
} catch {
  // not permitted here: parse at normal priority
}

const port = parentPort!;
const post = (message: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);

/** One run's parse: bytes come in by message, batches go out. */
class ParseRun {
  readonly bytes: Readable;
  private asked = false;
  private ahead = 0;
  private resume: (() => void) | null = null;

  constructor(private readonly options: ParseOptions) {
    this.bytes = new Readable({
      highWaterMark: 64 * 1024, // as a file stream's: the record guard and fast-csv buffer more
      read: () => {
        if (this.asked) return;
        this.asked = true;
        post({ type: 'need' });
      },
    });
  }

  received(message: ToWorker): void {
    if (message.type === 'bytes') {
      this.asked = false;
      const { chunk } = message;
      this.bytes.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } else if (message.type === 'end') {
      this.bytes.push(null);
    } else if (message.type === 'ack') {
      this.ahead--;
      if (this.ahead < MAX_BATCHES_AHEAD && this.resume) {
        const resume = this.resume;
        this.resume = null;
        resume();
      }
    }
  }

  async run(): Promise<void> {
    const o = this.options;
    const builder = new BatchBuilder(mapColumns(o.header).columns, o.header.length, {
      decimalComma: o.delimiter === ';',
      clearable: o.clearable,
    });
    let limit = Math.min(o.batchSize, o.firstBatchSize);
    // A workbook's rows come in the same shape as a CSV's: everything after this is the same.
    const rows =
      o.sheet !== null
        ? readSheetDataRows(this.bytes, {
            sheet: o.sheet,
            maxFieldChars: o.maxFieldChars,
            maxInflatedBytes: o.maxInflatedBytes,
          })
        : readDataRows(this.bytes, {
            encoding: o.encoding,
            delimiter: o.delimiter,
            maxFieldChars: o.maxFieldChars,
          });
    for await (const row of rows) {
      if (row.rowNumber <= o.skipThrough) continue;
      builder.add(row);
      if (builder.size >= limit || builder.chars >= MAX_BATCH_CHARS) {
        await this.emit(builder);
        limit = o.batchSize;
      }
    }
    if (builder.size > 0) await this.emit(builder);
  }

  private async emit(builder: BatchBuilder): Promise<void> {
    const batch = builder.take();
    post({ type: 'batch', batch }, transferables(batch));
    this.ahead++;
    if (this.ahead >= MAX_BATCHES_AHEAD) await new Promise<void>((resolve) => (this.resume = resolve));
  }
}

let current: ParseRun | null = null;

port.on('message', (message: ToWorker) => {
  if (message.type !== 'start') {
    current?.received(message);
    return;
  }
  const run = new ParseRun(message.options);
  current = run;
  run.run().then(
    () => post({ type: 'done' }),
    (error: Error) =>
      post(
        error instanceof CsvFormatError
          ? { type: 'csv-error', kind: error.kind, rowNumber: error.rowNumber, message: error.message }
          : error instanceof UploadRejectedError // a workbook the upload accepted cannot be read (it changed?)
            ? { type: 'csv-error', kind: 'parse-error', rowNumber: 0, message: error.message }
            : { type: 'error', message: error.message, stack: error.stack },
      ),
  );
});

post({ type: 'ready' });
