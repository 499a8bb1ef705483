import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { CsvFormatError } from '../../../csv/row-reader';
import { FromWorker, ParseOptions, ToWorker } from './parse-protocol';
import type { ParsedBatch } from './parsed-batch';
import type { CsvProblemKind } from '../../../csv/csv-problems';

/** Enough for a few batches of the largest rows the limits allow; the worker holds nothing else. */
const WORKER_HEAP_MB = 128;
/**
 * Parsing allocates a little for every field and keeps it until the batch is posted: a young
 * generation that holds a few batches lets all of it die young, instead of being promoted and
 * collected by frequent full GCs.
 */
const WORKER_YOUNG_GENERATION_MB = 48;

/**
 * Parse worker threads for the import engine: one per running import, kept for the next import when
 * a run ends cleanly, ended when a run stops midway (its thread may be mid-file) and at shutdown,
 * after the running imports have handed their jobs back (ImportWorker.beforeApplicationShutdown).
 */
@Injectable()
export class ParseWorkerPool implements OnApplicationShutdown {
  private readonly logger = new Logger(ParseWorkerPool.name);
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private warming: Promise<void> | null = null;

  /** Starts parsing `source` on a worker thread; read the batches with next(), then close(). */
  async start(source: Readable, options: ParseOptions): Promise<ParseSession> {
    // The source may fail while a thread starts: keep its error for the session (and off the process).
    let early: Error | null = null;
    const onEarlyError = (error: Error) => (early ??= error);
    source.on('error', onEarlyError);
    let worker: Worker;
    try {
      if (this.idle.length === 0 && this.warming) await this.warming.catch(() => undefined);
      worker = this.idle.pop() ?? (await this.spawn());
    } catch (error) {
      source.destroy();
      throw error;
    } finally {
      source.off('error', onEarlyError);
    }
    worker.ref();
    const session = new ParseSession(worker, source, options, (reusable) => this.release(worker, reusable));
    if (early) session.abort(early);
    return session;
  }

  /** Starts a thread ahead of the first import, so that it does not wait for one. */
  warmUp(): Promise<void> {
    if (this.all.size === 0 && !this.warming) {
      this.warming = this.spawn()
        .then((worker) => this.release(worker, true))
        .finally(() => (this.warming = null));
    }
    return this.warming ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private forget(worker: Worker): void {
    this.all.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }

  private release(worker: Worker, reusable: boolean): void {
    if (reusable && this.all.has(worker)) {
      worker.unref();
      this.idle.push(worker);
      return;
    }
    this.all.delete(worker);
    void worker.terminate();
  }

  private async spawn(): Promise<Worker> {
    const script = workerScript();
    const worker = new Worker(script.code, {
      eval: script.eval,
      resourceLimits: {
        maxOldGenerationSizeMb: WORKER_HEAP_MB,
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
      },
    });
    this.all.add(worker);
    worker.on('exit', () => this.forget(worker));
    // Always listened to: an unhandled 'error' of an idle thread would end the process.
    worker.on('error', (error) => {
      this.logger.warn(`A CSV parse thread failed: ${error.message}`);
      this.forget(worker);
    });
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        worker.off('message', onMessage);
        worker.off('error', settle);
        worker.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') settle();
      };
      const onExit = (code: number) =>
        settle(new Error(`The CSV parse thread exited (code ${code}) as it started.`));
      worker.on('message', onMessage);
      worker.on('error', settle);
      worker.on('exit', onExit);
    });
    return worker;
  }
}

/**
 * The compiled worker next to this file; under ts-node or ts-jest (tests, `nest start`) the .ts file,
 * loaded through ts-node (transpile only: the type check is the build's job).
 */
function workerScript(): { code: string; eval: boolean } {
  if (!__filename.endsWith('.ts')) return { code: join(__dirname, 'parse-worker.js'), eval: false };
  const file = join(__dirname, 'parse-worker.ts');
  return {
    code: `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`,
    eval: true,
  };
}

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
