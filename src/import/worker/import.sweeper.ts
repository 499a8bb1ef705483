import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { jobLog } from '../../logging/job-log';
import { StorageService } from '../../storage/storage.service';
import { AssignmentChangesService } from '../../clients/assignment-changes.service';
import { deleteInChunks } from '../../common/delete-in-chunks';
import { PeriodicPass } from '../../common/periodic-pass';
import { ImportJobStateService } from '../job/import-job-state.service';
import { ImportQueueProducer } from '../queue/import-queue.producer';
import { ReportWriter } from './engine/report-writer';

const SWEEP_EVERY_MS = 30_000;
/** A Queued job younger than this may still be on its way into Bull. */
const QUEUED_GRACE_SECONDS = 30;
/** An InProgress job whose worker has not committed a batch for this long is presumed orphaned. */
const STALE_HEARTBEAT_SECONDS = 90;
/** A change log file still pending this long after its job completed was left by a worker that died. */
const PENDING_FILE_GRACE_SECONDS = 60;

/**
 * Repairs what a lost Redis or a dead worker leaves behind, at start-up and every 30 s:
 * imports left Queued or InProgress without a Bull job are queued again (they resume from their
 * checkpoint), and files past IMPORT_RETENTION_DAYS are deleted. Safe to run in every worker at
 * once: the Bull job id is the import id, so a second enqueue is a no-op.
 */
@Injectable()
export class ImportSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportSweeper.name);
  private readonly schedule = new PeriodicPass(
    () => this.sweepOnce(),
    (error) => this.logger.warn(`Sweep failed: ${error.message}`),
  );
  /** Injected clock, so retention can be tested without waiting days. */
  now: () => Date = () => new Date();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: ImportQueueProducer,
    private readonly state: ImportJobStateService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
    private readonly changes: AssignmentChangesService,
    private readonly reports: ReportWriter,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start(SWEEP_EVERY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass; overlapping calls share the pass in progress. */
  sweep(): Promise<void> {
    return this.schedule.run();
  }

  private async sweepOnce(): Promise<void> {
    await this.requeueOrphans();
    await this.writePendingChangesFiles();
    await this.applyRetention();
  }

  /**
   * A worker writes a job's change log file right after completing it; one that died in between (or
   * whose storage refused) left it pending. After a grace period any worker writes it: the same file,
   * from the database, so two writing at once write the same bytes.
   */
  private async writePendingChangesFiles(): Promise<void> {
    const rows: { id: string; code: string }[] = await this.db.query(
      `SELECT id, code FROM service_import_jobs
        WHERE changes_file_pending AND status = 'Completed' AND files_deleted_at IS NULL
          AND completed_at < $1::timestamptz - make_interval(secs => $2)
        ORDER BY completed_at LIMIT 20`,
      [this.now().toISOString(), PENDING_FILE_GRACE_SECONDS],
    );
    for (const row of rows) {
      if (await this.reports.writeChangesFile(row.id, row.code)) {
        this.logger.warn(jobLog(row.code, 'Wrote the change log file its worker left pending'));
      }
    }
  }

  private async requeueOrphans(): Promise<void> {
    const rows: { id: string; code: string; status: string }[] = await this.db.query(
      `SELECT id, code, status FROM service_import_jobs
        WHERE (status = 'Queued' AND created_at < $1::timestamptz - make_interval(secs => $2))
           OR (status = 'InProgress' AND coalesce(heartbeat_at, started_at) < $1::timestamptz - make_interval(secs => $3))
        ORDER BY created_at LIMIT 500`,
      [this.now().toISOString(), QUEUED_GRACE_SECONDS, STALE_HEARTBEAT_SECONDS],
    );
    for (const row of rows) {
      const state = await this.queue.state(row.id);
      if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'paused') continue;
      if (state === 'failed') {
        if (await this.state.fail(row.id, 'The import could not be completed: its attempts are exhausted.')) {
          this.logger.warn(jobLog(row.code, 'Failed: its queue job failed for good (attempts exhausted)'));
        }
        continue;
      }
      if (state !== null) await this.queue.remove(row.id); // completed without finishing the import
      await this.queue.enqueue(row.id);
      this.logger.warn(jobLog(row.code, `${row.status} without a live queue job; queued it again`));
    }
  }

  private async applyRetention(): Promise<void> {
    const rows: {
      id: string;
      upload_key: string;
      report_key: string | null;
      changes_report_key: string | null;
    }[] = await this.db.query(
      `SELECT id, upload_key, report_key, changes_report_key FROM service_import_jobs
        WHERE files_deleted_at IS NULL AND status IN ('Completed', 'Failed', 'Cancelled')
          AND coalesce(completed_at, created_at) < $1::timestamptz - make_interval(days => $2)
        LIMIT 500`,
      [this.now().toISOString(), this.config.import.retentionDays],
    );
    for (const row of rows) {
      await deleteInChunks(this.db, 'service_import_rows', 'job_id', row.id);
      await deleteInChunks(this.db, 'service_import_row_origins', 'job_id', row.id);
      // The change log goes with the report: retention bounds what an import keeps.
      await this.changes.discard(row.id);
      await this.deleteFiles(row);
    }
    if (rows.length > 0) this.logger.log(`Retention: deleted the files of ${rows.length} finished import(s)`);
  }

  /**
   * A dry run and its commit share one uploaded file: it is deleted with the last of them. The job row
   * is locked meanwhile, as a commit locks the dry run's: a commit either comes first (its job then
   * keeps the file) or finds files_deleted_at set (410). Until files_deleted_at is written, a crash
   * only means the next sweep deletes again.
   */
  private async deleteFiles(row: {
    id: string;
    upload_key: string;
    report_key: string | null;
    changes_report_key: string | null;
  }): Promise<void> {
    await this.db.transaction(async (m) => {
      const [locked] = await m.query(
        `SELECT 1 FROM service_import_jobs WHERE id = $1 AND files_deleted_at IS NULL FOR UPDATE`,
        [row.id],
      );
      if (!locked) return;
      const [shared] = await m.query(
        `SELECT 1 FROM service_import_jobs WHERE upload_key = $1 AND id <> $2 AND files_deleted_at IS NULL LIMIT 1`,
        [row.upload_key, row.id],
      );
      if (!shared) await this.storage.delete(row.upload_key);
      if (row.report_key) await this.storage.delete(row.report_key);
      if (row.changes_report_key) await this.storage.delete(row.changes_report_key);
      await m.query(`UPDATE service_import_jobs SET files_deleted_at = now() WHERE id = $1`, [row.id]);
    });
  }
}
