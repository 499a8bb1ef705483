import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { CsvFormatError } from '../../../csv/row-reader';
import type { CsvProblemKind } from '../../../csv/csv-problems';
import { FromWorker, ParseOptions, ToWorker } from './parse-protocol';
import type { ParsedBatch } from './parsed-batch';

/**
 * One run's parse on a worker thread. Feeds the worker the bytes of `source` as it asks for them,
 * and queues the batches it sends until next() takes them.
 */
export class ParseSession {
  private readonly batches: ParsedBatch[] = [];
  private finished = false;
  /** The worker reached the end of its run (all rows, or a row it cannot read): it may parse another file. */
  private workerDone = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly chunks: AsyncIterator<Buffer>;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    private readonly source: Readable,
    options: ParseOptions,
    private readonly onClose: (reusable: boolean) => void,
  ) {
    this.chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    // The iterator reports a storage error to the chunk being read; between reads it is this listener's.
    source.on('error', this.onError);
    worker.on('message', this.onMessage);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
    this.send({ type: 'start', options });
  }

  /** The next batch, or null after the last one. Throws CsvFormatError, storage and worker errors. */
  async next(): Promise<ParsedBatch | null> {
    for (;;) {
      const batch = this.batches.shift();
      if (batch) {
        this.send({ type: 'ack' });
        return batch;
      }
      if (this.finished) return null; // every batch is in: a later failure (a thread ended at shutdown) is moot
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Ends the session; the worker goes back to the pool only if it finished the whole file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    this.source.off('error', this.onError);
    this.source.on('error', () => undefined); // destroy() below must not raise what nobody reads now
    this.onClose(this.workerDone);
    if (!this.source.destroyed) this.source.destroy();
  }

  private readonly onMessage = (message: FromWorker): void => {
    switch (message.type) {
      case 'need':
        void this.feed();
        return;
      case 'batch':
        this.batches.push(message.batch);
        break;
      case 'done':
        this.finished = true;
        this.workerDone = true;
        break;
      case 'csv-error':
        this.fail(new CsvFormatError(message.kind as CsvProblemKind, message.rowNumber, message.message));
        this.workerDone = true;
        break;
      case 'error':
        this.fail(Object.assign(new Error(message.message), { stack: message.stack }));
        break;
      default:
        return;
    }
    this.notify();
  };

  private readonly onError = (error: Error): void => {
    this.fail(error);
    this.notify();
  };

  private readonly onExit = (code: number): void => {
    this.fail(new Error(`The CSV parse worker thread exited (code ${code}) during the import.`));
    this.notify();
  };

  /** Reads the next chunk of the upload and hands it to the worker. */
  private async feed(): Promise<void> {
    try {
      const { value, done } = await this.chunks.next();
      if (this.closed) return;
      if (done) {
        this.send({ type: 'end' });
        return;
      }
      // A copy the worker owns: a stream's Buffer may be a view of a shared pool.
      const chunk = new Uint8Array(value);
      this.send({ type: 'bytes', chunk }, [chunk.buffer]);
    } catch (error) {
      this.fail(error as Error);
      this.notify();
    }
  }

  /** Ends the run with `error`: next() throws it once the batches already received are taken. */
  abort(error: Error): void {
    this.fail(error);
    this.notify();
  }

  private fail(error: Error): void {
    this.failure ??= error;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private send(message: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.closed) this.worker.postMessage(message, transfer);
  }
}
