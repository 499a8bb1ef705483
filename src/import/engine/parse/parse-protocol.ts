/**
 * Messages between the import engine (main thread) and the parse worker thread. The worker pulls the
 * upload's bytes ('need' → 'bytes'), and stays at most MAX_BATCHES_AHEAD batches ahead of the engine
 * ('batch' → 'ack'), so memory holds a few batches whatever the file's size.
 */
import type { CsvDelimiter } from '../../csv/csv-scanner';
import type { CsvEncoding } from '../../csv/encoding';
import type { ParsedBatch } from './parsed-batch';

export const MAX_BATCHES_AHEAD = 2;

export interface ParseOptions {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  maxFieldBytes: number;
  /** The header as the upload inspector read it. */
  header: string[];
  /** Rows up to this one were committed by an earlier run: parsed, not batched. */
  skipThrough: number;
  batchSize: number;
  /** The first batch of a run is small so that progress shows within a moment of the start. */
  firstBatchSize: number;
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
  /** The file cannot be read from this row on (CsvFormatError): every row before it was batched. */
  | { type: 'csv-error'; kind: string; rowNumber: number; message: string }
  | { type: 'error'; message: string; stack?: string };
