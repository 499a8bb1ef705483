/**
 * Messages between the import engine (main thread) and the parse worker thread. The worker pulls the
 * upload's bytes ('need' → 'bytes'), and stays at most MAX_BATCHES_AHEAD batches ahead of the engine
 * ('batch' → 'ack'), so memory holds a few batches whatever the file's size.
 */
import type { CsvDelimiter } from '../../../csv/csv-scanner';
import type { CsvEncoding } from '../../../csv/encoding/encoding';
import type { ParsedBatch } from './parsed-batch';

export const MAX_BATCHES_AHEAD = 2;

/**
 * A batch also ends once its rows hold this many characters of uploaded values, whatever
 * IMPORT_BATCH_SIZE says: rows near the field-size limit then make smaller batches instead of
 * exhausting the thread's heap. About five batches are alive at once (one being built, two queued,
 * one held by the engine, one in the database), each copied once or twice on its way to PostgreSQL:
 * at 8 Mi characters a file of 65,000-character values took a production process past its 400 MB
 * bound on a loaded machine (414 MB). Ordinary rows (tens of characters) never reach this.
 */
export const MAX_BATCH_CHARS = 4 * 1024 * 1024;

export interface ParseOptions {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  maxFieldChars: number;
  /** The header as the upload inspector read it. */
  header: string[];
  /** Rows up to this one were committed by an earlier run: parsed, not batched. */
  skipThrough: number;
  batchSize: number;
  /** The first batch of a run is small so that progress shows within a moment of the start. */
  firstBatchSize: number;
  /** upsert and update read CLEAR_TOKEN as "clear this field". */
  clearable: boolean;
  /** The sheet to read when the upload is an .xlsx workbook (encoding and delimiter then unused); null for CSV. */
  sheet: string | null;
  /** IMPORT_MAX_XLSX_INFLATED_BYTES, for a workbook. */
  maxInflatedBytes: number;
}

export type ToWorker =
  | { type: 'start'; options: ParseOptions }
  | { type: 'bytes'; chunk: Uint8Array }
  | { type: 'end' }
  | { type: 'ack' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'need' }
  | { type: 'batch'; batch: ParsedBatch }
  | { type: 'done' }
  /** The file cannot be read from this row on (CsvFormatError); the batch it was in is not sent. */
  | { type: 'csv-error'; kind: string; rowNumber: number; message: string }
  | { type: 'error'; message: string; stack?: string };
