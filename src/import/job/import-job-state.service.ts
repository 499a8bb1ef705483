import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FinalImportStatus, ImportMetrics } from './import-metrics';
import { ImportEventsPublisher } from '../events/import-events.publisher';
import { ImportPhase, ImportStatus } from './import-status';
import { endingWithWebhookEvents } from '../../webhooks/webhook-events';

export interface Lease {
  lease: number;
  /** Data rows already committed: where this run resumes. */
  checkpoint: number;
  /** Deliveries whose worker died since the import last moved on, the one before this one included. */
  workerDeaths: number;
  /** The phase the job was left in: where the last delivery was when it ended (or died). */
  lastPhase: ImportPhase;
}

/**
 * The one door through which an import's status changes. Every transition is a guarded UPDATE
 * (WHERE status = what we expect, and for a worker WHERE lease = its token), so a cancel racing a
 * start, or a stale worker racing the one that replaced it, loses cleanly: its UPDATE matches no row.
 * The three transitions to a final status also write the webhook outbox in the same statement
 * (endingWithWebhookEvents), so an ended job always has its events.
 */
@Injectable()
export class ImportJobStateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: ImportEventsPublisher,
    private readonly metrics: ImportMetrics,
  ) {}

  /**
   * Takes the job for this run: Queued or InProgress (a re-run after a crash) → InProgress with a
   * new fencing token, and opens the delivery. A delivery still open is one whose worker died (every
   * delivery that ends closes it, endDelivery, and so does the step that makes the job final, in the same
   * statement, so a final job never shows an open delivery): counted, starting again at 1 when rows were
   * committed since the last death. Returns null when the job is already final or gone.
   */
  async acquire(importId: string): Promise<Lease | null> {
    const row = await this.firstRow<{
      lease: number;
      processed_items: number;
      worker_deaths: number;
      phase: ImportPhase;
    }>(
      `UPDATE service_import_jobs
          SET status = 'InProgress', phase = coalesce(phase, 'Counting'), lease = lease + 1,
              started_at = coalesce(started_at, now()), heartbeat_at = now(),
              worker_deaths = CASE WHEN NOT delivery_open THEN worker_deaths
                                   WHEN processed_items > deaths_checkpoint THEN 1
                                   ELSE worker_deaths + 1 END,
              deaths_checkpoint = CASE WHEN delivery_open THEN processed_items ELSE deaths_checkpoint END,
              delivery_open = true
        WHERE id = $1 AND status IN ('Queued', 'InProgress')
        RETURNING lease, processed_items, worker_deaths, phase`,
      [importId],
    );
    this.published(importId, row);
    return row
      ? {
          lease: row.lease,
          checkpoint: row.processed_items,
          workerDeaths: row.worker_deaths,
          lastPhase: row.phase,
        }
      : null;
  }

  /** The delivery holding `lease` ended (in any way its process lived to see): its worker did not die. */
  async endDelivery(importId: string, lease: number): Promise<void> {
    await this.db.query(
      `UPDATE service_import_jobs SET delivery_open = false WHERE id = $1 AND lease = $2 AND delivery_open`,
      [importId, lease],
    );
  }

  async setPhase(importId: string, lease: number, phase: ImportPhase, totalItems?: number): Promise<boolean> {
    const row = await this.firstRow<{ id: string }>(
      `UPDATE service_import_jobs SET phase = $3, total_items = coalesce($4, total_items), heartbeat_at = now()
        WHERE id = $1 AND lease = $2 AND status = 'InProgress' RETURNING id`,
      [importId, lease, phase, totalItems ?? null],
    );
    return this.published(importId, row) !== undefined;
  }

  /**
   * InProgress → Completed with its not-imported report (null when it has none); totalItems becomes
   * what was really read, so the invariant holds. `changesFilePending`: it has change records, whose
   * file is written next (changesFileWritten).
   */
  async complete(
    importId: string,
    lease: number,
    reportKey: string | null,
    changesFilePending: boolean,
  ): Promise<boolean> {
    const row = await this.firstRow<{ id: string }>(
      endingWithWebhookEvents(
        `UPDATE service_import_jobs
            SET status = 'Completed', phase = NULL, completed_at = now(), report_key = $3,
                changes_file_pending = $4, total_items = processed_items, delivery_open = false
          WHERE id = $1 AND lease = $2 AND status = 'InProgress'`,
        'completed',
      ),
      [importId, lease, reportKey, changesFilePending],
    );
    return this.ended(importId, row, 'Completed');
  }

  /** The change log file of a Completed job is in storage under `key`. */
  async changesFileWritten(importId: string, key: string): Promise<void> {
    await this.db.query(
      `UPDATE service_import_jobs SET changes_report_key = $2, changes_file_pending = false
        WHERE id = $1 AND changes_file_pending`,
      [importId, key],
    );
  }

  /** Queued/InProgress → Failed. With a lease, only the worker holding it may fail the job. */
  async fail(importId: string, reason: string, lease?: number): Promise<boolean> {
    const row = await this.firstRow<{ id: string }>(
      endingWithWebhookEvents(
        `UPDATE service_import_jobs
            SET status = 'Failed', phase = NULL, completed_at = now(), failure_reason = $2,
                delivery_open = false
          WHERE id = $1 AND status IN ('Queued', 'InProgress') AND ($3::int IS NULL OR lease = $3)`,
        'failed',
      ),
      [importId, reason, lease ?? null],
    );
    return this.ended(importId, row, 'Failed');
  }

  /**
   * Queued/InProgress → Cancelled, unless the job is finishing. A worker in the middle of a batch
   * holds the job row lock until that batch commits (and the batch queued for the lock behind it goes
   * first), so this waits for them; the worker's next batch then finds the job Cancelled and stops,
   * leaving the rows already written and counted.
   *
   * Finishing: once the last batch has committed (every row of the file is in: processed_items =
   * total_items, or the report is being written), the job is going to complete with its report, and
   * a cancel is refused. This condition is re-checked after the wait for the lock, so a cancel that
   * waited for the last batch is refused too; a job never ends Cancelled with every row processed and
   * its not-imported rows left without a report.
   */
  async cancel(importId: string): Promise<boolean> {
    const row = await this.firstRow<{ id: string }>(
      endingWithWebhookEvents(
        `UPDATE service_import_jobs SET status = 'Cancelled', phase = NULL, completed_at = now()
          WHERE id = $1
            AND (status = 'Queued'
                 OR (status = 'InProgress' AND phase IS DISTINCT FROM 'WritingReport'
                     AND (total_items IS NULL OR processed_items < total_items)))`,
        'cancelled',
      ),
      [importId],
    );
    return this.ended(importId, row, 'Cancelled');
  }

  async notImportedCount(importId: string): Promise<number> {
    const row = await this.firstRow<{ n: number | string }>(
      `SELECT skipped_count + error_count AS n FROM service_import_jobs WHERE id = $1`,
      [importId],
    );
    return Number(row?.n ?? 0);
  }

  async statusOf(importId: string): Promise<ImportStatus | null> {
    const row = await this.firstRow<{ status: ImportStatus }>(
      `SELECT status FROM service_import_jobs WHERE id = $1`,
      [importId],
    );
    return row?.status ?? null;
  }

  /** A transition to a final status: counted once, here, whichever code asked for it. */
  private ended(importId: string, row: unknown, status: FinalImportStatus): boolean {
    if (this.published(importId, row) === undefined) return false;
    this.metrics.importEnded(status);
    return true;
  }

  /** Tells the event streams (in whichever process) that the job moved; returns the row as it is. */
  private published<T>(importId: string, row: T): T {
    if (row !== undefined) this.events.changed(importId);
    return row;
  }

  /** The first row of a SELECT or an UPDATE ... RETURNING (TypeORM gives [rows, count] for the latter). */
  private async firstRow<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    const result: unknown = await this.db.query(sql, params);
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
    return Array.isArray(rows) ? (rows[0] as T | undefined) : undefined;
  }
}
