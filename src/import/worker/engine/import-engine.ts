import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AssignmentChangesService } from '../../../clients/assignment-changes.service';
import { AppConfig } from '../../../config/app-config';
import { StorageService } from '../../../storage/storage.service';
import { StorageObjectNotFoundError } from '../../../storage/storage.types';
import { jobLog } from '../../../logging/job-log';
import type { CsvDelimiter } from '../../../csv/csv-scanner';
import type { CsvEncoding } from '../../../csv/encoding/encoding';
import { CsvFormatError } from '../../../csv/row-reader';
import { ImportEventsPublisher } from '../../events/import-events.publisher';
import { ImportJobStateService, Lease } from '../../job/import-job-state.service';
import { ImportPhase } from '../../job/import-status';
import { ServiceImportJob } from '../../job/service-import-job.entity';
import { ImportMode } from '../../rules/import-mode';
import { BatchPipeline } from './batch-pipeline';
import { BatchWriter } from './batch-writer';
import { ParseWorkerPool } from '../parse/parse-worker-pool';
import { releaseBatch } from '../parse/parsed-batch';
import { ReportWriter } from './report-writer';
import { RunEngine } from './run-engine';
import { PermanentImportError, RunOutcome } from './run-outcome';

/**
 * Runs one import from its checkpoint to the end: stream from storage → (worker thread: decode →
 * parse → validate → batch) → one transaction per batch. While batch N is in the database, the
 * worker thread parses and validates the next ones, so Node's work overlaps PostgreSQL's and the
 * main thread stays free for HTTP. Only a few batches are ever in memory.
 */
const FIRST_BATCH_ROWS = 500;

@Injectable()
export class ImportEngine extends RunEngine {
  protected readonly logger = new Logger(ImportEngine.name);

  constructor(
    config: AppConfig,
    state: ImportJobStateService,
    changes: AssignmentChangesService,
    reports: ReportWriter,
    private readonly storage: StorageService,
    private readonly batches: BatchWriter,
    private readonly events: ImportEventsPublisher,
    private readonly parser: ParseWorkerPool,
  ) {
    super(config, state, changes, reports);
  }

  async run(job: ServiceImportJob, lease: Lease): Promise<RunOutcome> {
    const limit = this.config.import.maxRows;
    if (job.uploadProblem) return { kind: 'failed', reason: job.uploadProblem };
    if (job.rowCount !== null && job.rowCount > limit) {
      return {
        kind: 'failed',
        reason:
          `The file has ${job.rowCount} data rows; the limit is ${limit} (IMPORT_MAX_ROWS). ` +
          `Split it into files of at most ${limit} rows. Nothing was imported.`,
      };
    }
    if (!(await this.state.setPhase(job.id, lease.lease, ImportPhase.Importing, job.rowCount ?? undefined))) {
      return { kind: 'stopped', why: 'lease-lost' };
    }

    const connections: Client[] = [];
    try {
      for (let i = 0; i < this.config.import.connections; i++) {
        connections.push(await this.connect(job.code));
      }
      const outcome = await this.importRows(connections, job, lease);
      if (outcome) return outcome;
    } catch (error) {
      if (error instanceof CsvFormatError || error instanceof PermanentImportError) {
        return { kind: 'failed', reason: error.message };
      }
      if (error instanceof StorageObjectNotFoundError) {
        return { kind: 'failed', reason: 'The uploaded file is no longer in storage; upload it again.' };
      }
      throw error;
    } finally {
      await Promise.all(connections.map((db) => db.end().catch(() => undefined)));
    }

    return this.finish(
      job,
      lease,
      () => this.reports.write(job.id, job.header, job.retryOfId !== null),
      async () => {
        // The pairs the run handled are needed only while it runs (a dry run's, or upsert's and update's).
        if (job.dryRun || job.mode !== ImportMode.Create) await this.changes.discardRunPairs(job.id);
      },
    );
  }

  /** Returns an outcome when the run must stop early, undefined when every row was consumed. */
  private async importRows(
    connections: Client[],
    job: ServiceImportJob,
    lease: Lease,
  ): Promise<RunOutcome | undefined> {
    const source = await this.storage.get(job.uploadKey);
    const parse = await this.parser.start(source, {
      encoding: job.encoding as CsvEncoding,
      delimiter: job.delimiter as CsvDelimiter,
      maxFieldChars: this.config.import.maxFieldChars,
      header: job.header,
      skipThrough: lease.checkpoint,
      batchSize: this.config.import.batchSize,
      firstBatchSize: FIRST_BATCH_ROWS,
      clearable: job.mode !== ImportMode.Create,
      sheet: job.sheet,
      maxInflatedBytes: this.config.import.maxXlsxInflatedBytes,
    });

    // Consecutive batches are in the database at once, one per connection, committed in order.
    const pipeline = new BatchPipeline(connections.length, lease.checkpoint, (i, checkpoint, batch, order) =>
      this.batches
        .commit(
          connections[i],
          { id: job.id, code: job.code, lease: lease.lease, checkpoint, dryRun: job.dryRun, mode: job.mode },
          batch,
          order,
        )
        .then((result) => {
          if (result.ok) {
            releaseBatch(batch); // committed: never sent again (a batch that was not may be)
            this.events.changed(job.id); // live progress: one event per committed batch
          }
          return result;
        }),
    );
    const stopped = (why: 'cancelled' | 'lease-lost' | undefined): RunOutcome | undefined =>
      why ? { kind: 'stopped', why } : undefined;

    // Where the run waited: for the parse thread (parse-bound) or for the database (database-bound).
    const waited = { parse: 0, db: 0 };
    const timed = async <T>(on: keyof typeof waited, work: Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work;
      } finally {
        waited[on] += performance.now() - started;
      }
    };

    try {
      // The worker thread parses the next batches while these are in the database.
      for (
        let batch = await timed('parse', parse.next());
        batch;
        batch = await timed('parse', parse.next())
      ) {
        if (this.shuttingDown) return stopped(await pipeline.drain()) ?? { kind: 'abandoned' };
        const stop = await timed('db', pipeline.push(batch));
        if (stop) return stopped(stop);
      }
      return stopped(await timed('db', pipeline.drain()));
    } catch (error) {
      // Shutting down, the parse thread or the database connection may be gone first: hand the job
      // back rather than count a failed attempt. A file that cannot be read fails all the same.
      if (this.shuttingDown && !(error instanceof CsvFormatError)) return { kind: 'abandoned' };
      throw error;
    } finally {
      await pipeline.quiesce();
      parse.close();
      this.logger.log(
        jobLog(
          job.code,
          `Rows read: waited ${(waited.parse / 1000).toFixed(1)} s for the parse thread, ` +
            `${(waited.db / 1000).toFixed(1)} s for the database` +
            (pipeline.deadlocks > 0
              ? `; ${pipeline.deadlocks} deadlock(s) resolved by sending batches again`
              : ''),
          {
            parseWaitMs: Math.round(waited.parse),
            dbWaitMs: Math.round(waited.db),
            deadlocks: pipeline.deadlocks,
          },
        ),
      );
    }
  }
}
