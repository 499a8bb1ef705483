import { Injectable, Logger } from '@nestjs/common';
import { jobLog } from '../../../logging/job-log';
import { ImportJobStateService } from '../../job/import-job-state.service';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ResourceLimits, Worker } from 'node:worker_threads';
import { AppConfig } from '../../../config/app-config';
import { StorageService } from '../../../storage/storage.service';
import { FromReportThread, ReportJob, ToReportThread } from './report/report-protocol';

/**
 * The report thread's heap: two pages of rows (2 MB of JSON each, a few times that once parsed) and
 * two chunks are all it holds. Exhausting it ends the thread, never the process.
 */
const REPORT_THREAD_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };

/**
 * Builds the not-imported report from the rows kept in the database, in file order, and streams it
 * to storage; the change log file the same way, from the import's change records. Built from the database rather than from memory, a re-run after a crash writes the
 * identical file. The rows are read and formatted on a thread of its own with a heap limit, like the
 * parse thread (report/report-worker.ts): what it holds is bounded whatever the file's shape (pages
 * of at most 5,000 rows and 2 MB, written row by row, at most two 64 KB chunks ahead of storage), and
 * should that bound ever fail, the thread ends, the run fails and is retried, and the process that
 * also answers HTTP lives on.
 */
@Injectable()
export class ReportWriter {
  /** The report thread's heap; a test may shrink it to see a thread that runs out. */
  threadLimits: ResourceLimits = REPORT_THREAD_LIMITS;

  private readonly logger = new Logger(ReportWriter.name);

  constructor(
    private readonly config: AppConfig,
    private readonly storage: StorageService,
    private readonly state: ImportJobStateService,
  ) {}

  static keyFor(importId: string): string {
    return `reports/${importId}.csv`;
  }

  static changesKeyFor(importId: string): string {
    return `reports/${importId}-changes.csv`;
  }

  /**
   * The not-imported report; `header` is the uploaded file's. `withOrigins` (a retry) adds each row's
   * number in the file first uploaded.
   */
  write(importId: string, header: string[], withOrigins = false): Promise<string> {
    return this.upload(ReportWriter.keyFor(importId), {
      kind: 'not-imported',
      importId,
      header,
      withOrigins,
    });
  }

  /** The change log file: every change record of the import, one line per changed field. */
  writeChanges(importId: string): Promise<string> {
    return this.upload(ReportWriter.changesKeyFor(importId), { kind: 'changes', importId });
  }

  /**
   * The change log file of a Completed job whose file is pending, recorded as written. A failure is
   * only logged: the job stays pending and the sweeper writes it later (so does a worker that dies).
   */
  async writeChangesFile(importId: string, code: string): Promise<boolean> {
    try {
      await this.state.changesFileWritten(importId, await this.writeChanges(importId));
      return true;
    } catch (error) {
      this.logger.warn(
        jobLog(code, `The change log file could not be written yet: ${(error as Error).message}`),
      );
      return false;
    }
  }

  private async upload(key: string, what: DistributiveOmit<ReportJob, 'databaseUrl'>): Promise<string> {
    const job: ReportJob = { ...what, databaseUrl: this.config.databaseUrl };
    const thread = startThread(job, this.threadLimits);
    try {
      // Bytes, not objects: the stream asks the thread for more as storage takes about 64 KB.
      const body = Readable.from(thread.chunks(), { objectMode: false, highWaterMark: 64 * 1024 });
      await this.storage.put(key, body, { contentType: 'text/csv; charset=utf-8' });
    } finally {
      await thread.end();
    }
    return key;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface ReportThread {
  chunks(): AsyncGenerator<Buffer>;
  end(): Promise<void>;
}

function startThread(job: ReportJob, resourceLimits: ResourceLimits): ReportThread {
  const script = threadScript();
  const worker = new Worker(script.code, { eval: script.eval, resourceLimits });
  const received: Buffer[] = [];
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (message: FromReportThread) => {
    if (message.type === 'chunk') {
      const { bytes } = message;
      received.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else if (message.type === 'done') finished = true;
    else failure ??= new Error(`The report could not be written: ${message.message}`);
    notify();
  });
  worker.on('error', (error: Error) => {
    failure ??= new Error(`The report thread failed: ${error.message}`);
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished)
      failure ??= new Error(`The report thread exited (code ${code}) before the report was written.`);
    notify();
  });
  const send = (message: ToReportThread) => worker.postMessage(message);
  send({ type: 'start', job });

  return {
    async *chunks() {
      for (;;) {
        const chunk = received.shift();
        if (chunk) {
          send({ type: 'ack' });
          yield chunk;
          continue;
        }
        if (finished) return;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async end() {
      await worker.terminate();
    },
  };
}

/** The compiled thread next to this file; under ts-node or ts-jest the .ts file, through ts-node. */
function threadScript(): { code: string; eval: boolean } {
  if (!__filename.endsWith('.ts'))
    return { code: join(__dirname, 'report', 'report-worker.js'), eval: false };
  const file = join(__dirname, 'report', 'report-worker.ts');
  return {
    code: `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`,
    eval: true,
  };
}
