import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../../config/app-config';
import { StorageService } from '../../storage/storage.service';
import { StorageObjectNotFoundError } from '../../storage/storage.types';
import { jobLog } from '../../logging/job-log';
import { AssignmentRow } from '../../clients/assignment-bulk.service';
import { mapColumns } from '../csv/columns';
import { CsvFormatError, readDataRows } from '../csv/row-reader';
import { validateRow } from '../csv/row-rules';
import { ImportEventsPublisher } from '../events/import-events.publisher';
import { ImportJobStateService, Lease } from '../import-job-state.service';
import { ImportPhase } from '../import-status';
import { ServiceImportJob } from '../service-import-job.entity';
import { BatchResult, BatchWriter, PreparedBatch, RejectedRow } from './batch-writer';
import { ReportWriter } from './report-writer';
import { PermanentImportError, RunOutcome } from './run-outcome';

/**
 * Runs one import from its checkpoint to the end: stream from storage → decode → parse → validate →
 * batch → one transaction per batch. While batch N is in the database, batch N+1 is parsed and
 * validated, so Node's work overlaps PostgreSQL's. Only two batches are ever in memory.
 */
const FIRST_BATCH_ROWS = 500;
const YIELD_EVERY_ROWS = 256;

@Injectable()
export class ImportEngine {
  private readonly logger = new Logger(ImportEngine.name);
  private shuttingDown = false;

  constructor(
    private readonly config: AppConfig,
    private readonly storage: StorageService,
    private readonly state: ImportJobStateService,
    private readonly batches: BatchWriter,
    private readonly reports: ReportWriter,
    private readonly events: ImportEventsPublisher,
  ) {}

  /** Called on SIGTERM: running imports stop at their next batch boundary. */
  stopAtNextBatch(): void {
    this.shuttingDown = true;
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

    const db = new Client({ connectionString: this.config.databaseUrl });
    db.on('error', (error) =>
      this.logger.warn(jobLog(job.code, `Database connection error: ${error.message}`)),
    );
    await db.connect();
    // A worker frozen inside a batch transaction (paused, swapped out) must not hold the job row lock
    // forever: once it has been silent as long as its queue lock lasts, another worker may own the
    // job. PostgreSQL then ends its statement (a COPY left waiting for data counts as a running
    // statement) and its session, and the frozen worker can no longer write.
    const silence = this.config.queueLockDurationMs;
    await db.query(
      `SET statement_timeout = ${silence}; SET idle_in_transaction_session_timeout = ${silence}`,
    );
    try {
      const outcome = await this.importRows(db, job, lease);
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
      await db.end().catch(() => undefined);
    }

    if (!(await this.state.setPhase(job.id, lease.lease, ImportPhase.WritingReport))) {
      return { kind: 'stopped', why: 'lease-lost' };
    }
    const notImported = await this.state.notImportedCount(job.id);
    const reportKey = notImported > 0 ? await this.reports.write(job.id, job.header) : null;
    if (!(await this.state.complete(job.id, lease.lease, reportKey)))
      return { kind: 'stopped', why: 'lease-lost' };
    if (job.dryRun) await this.state.discardDryRunPairs(job.id);
    return { kind: 'completed' };
  }

  /** Returns an outcome when the run must stop early, undefined when every row was consumed. */
  private async importRows(db: Client, job: ServiceImportJob, lease: Lease): Promise<RunOutcome | undefined> {
    const { columns } = mapColumns(job.header);
    const headerLength = job.header.length;
    const decimalComma = job.delimiter === ';';
    // The first batch of a run is small so that progress shows within a moment of the start.
    let batchSize = Math.min(this.config.import.batchSize, FIRST_BATCH_ROWS);
    const source = await this.storage.get(job.uploadKey);
    const rows = readDataRows(source, {
      encoding: job.encoding as never,
      delimiter: job.delimiter as never,
      maxFieldBytes: this.config.import.maxFieldBytes,
    });

    let checkpoint = lease.checkpoint;
    let inFlight: Promise<BatchResult> | null = null;
    let batch = newBatch();

    // Waits for the batch in the database; an early stop is returned as an outcome.
    const settle = async (): Promise<RunOutcome | undefined> => {
      if (!inFlight) return undefined;
      const result = await inFlight;
      inFlight = null;
      if (!result.ok) return { kind: 'stopped', why: result.why };
      return undefined;
    };
    const launch = (prepared: PreparedBatch) => {
      const expected = checkpoint;
      checkpoint += prepared.size;
      inFlight = this.batches
        .commit(db, { id: job.id, lease: lease.lease, checkpoint: expected, dryRun: job.dryRun }, prepared)
        .then((result) => {
          if (result.ok) this.events.changed(job.id); // live progress: one event per committed batch
          return result;
        });
      // Handled in settle(); this only keeps an early rejection from being reported as unhandled.
      inFlight.catch(() => undefined);
    };

    try {
      for await (const row of rows) {
        // Rows already parsed arrive through microtasks only, which would keep HTTP requests of this
        // process waiting; let the event loop breathe every few hundred rows.
        if (row.rowNumber % YIELD_EVERY_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
        if (row.rowNumber <= lease.checkpoint) continue; // committed by an earlier run
        const verdict = validateRow(row.fields, columns, headerLength, decimalComma);
        batch.size++;
        if (verdict.ok) {
          batch.assignments.push({
            rowNumber: row.rowNumber,
            clientCode: verdict.clientCode,
            serviceCode: verdict.serviceCode,
            quantity: verdict.quantity,
            unitPrice: verdict.unitPrice,
            startDate: verdict.startDate,
            endDate: verdict.endDate,
            notes: verdict.notes,
          });
          batch.valuesByRow.set(row.rowNumber, row.fields);
        } else {
          batch.errors.push({
            rowNumber: row.rowNumber,
            outcome: 'Error',
            reason: verdict.reason,
            message: verdict.message,
            values: row.fields,
          });
        }
        if (batch.size >= batchSize) {
          const stop = await settle();
          if (stop) return stop;
          if (this.shuttingDown) return { kind: 'abandoned' };
          launch(batch);
          batch = newBatch();
          batchSize = this.config.import.batchSize;
        }
      }
      const stop = await settle();
      if (stop) return stop;
      if (batch.size > 0) {
        launch(batch);
        return await settle();
      }
      return undefined;
    } finally {
      if (inFlight) await (inFlight as Promise<BatchResult>).catch(() => undefined);
      source.destroy();
    }
  }
}

function newBatch(): PreparedBatch & { assignments: AssignmentRow[]; errors: RejectedRow[] } {
  return { size: 0, assignments: [], errors: [], valuesByRow: new Map() };
}
