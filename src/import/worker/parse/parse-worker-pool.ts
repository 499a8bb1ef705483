import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { FromWorker, ParseOptions } from './parse-protocol';
import { ParseSession } from './parse-session';

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
