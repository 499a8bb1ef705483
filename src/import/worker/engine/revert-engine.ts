import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Repository } from 'typeorm';
import { AssignmentChangesService } from '../../../clients/assignment-changes.service';
import { AssignmentRevertService, type RevertVerdict } from '../../../clients/assignment-revert.service';
import { AppConfig } from '../../../config/app-config';
import { jobLog } from '../../../logging/job-log';
import { ImportEventsPublisher } from '../../events/import-events.publisher';
import { ImportJobStateService, Lease } from '../../job/import-job-state.service';
import { ImportPhase } from '../../job/import-status';
import { ServiceImportJob } from '../../job/service-import-job.entity';
import { lockJob } from './batch-writer';
import { ReportWriter } from './report-writer';
import { RunEngine } from './run-engine';
import type { RunOutcome } from './run-outcome';
import { notRevertedMessage, REVERT_REPORT_HEADER } from '../../rules/revert-rules';

/** A deadlock with another writer of the same assignments rolls the batch back; it is sent again. */
const MAX_DEADLOCK_RETRIES = 5;

/**
 * Runs a revert (a job of kind 'revert') from its checkpoint: the reverted import's change records
 * in row order, a batch per transaction (AssignmentRevertService judges and undoes them, the batch's
 * not-reverted rows, counters and checkpoint are written with them, under the job row lock and the
 * lease, as an import's batches are), then the not-reverted report and the revert's change log file.
 * The checkpoint is processed_items; where to go on from is the last row number the revert recorded.
 */
@Injectable()
export class RevertEngine extends RunEngine {
  protected readonly logger = new Logger(RevertEngine.name);

  constructor(
    config: AppConfig,
    state: ImportJobStateService,
    changes: AssignmentChangesService,
    reports: ReportWriter,
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly reverts: AssignmentRevertService,
    private readonly events: ImportEventsPublisher,
  ) {
    super(config, state, changes, reports);
  }

  async run(job: ServiceImportJob, lease: Lease): Promise<RunOutcome> {
    const source = await this.sourceOf(job);
    if (!source) return { kind: 'failed', reason: 'The import this revert undoes no longer exists.' };
    const db = await this.connect(job.code);
    try {
      const total = await this.reverts.countRevertible(db, source.id);
      if (!(await this.state.setPhase(job.id, lease.lease, ImportPhase.Importing, total))) {
        return { kind: 'stopped', why: 'lease-lost' };
      }
      const end = await this.reverts.lastRevertible(db, source.id);
      let checkpoint = lease.checkpoint;
      // Each batch is a window of row numbers, committed whole: everything up to the last row number
      // judged is done, and nothing lies between it and the end of its window.
      let after = await this.lastJudged(db, job.id);
      while (after < end) {
        if (this.shuttingDown) return { kind: 'abandoned' };
        const batch = await this.batch(db, job, source, { lease: lease.lease, checkpoint, after });
        if (!batch.ok) return { kind: 'stopped', why: batch.why };
        checkpoint += batch.judged;
        after += this.config.import.batchSize;
        if (batch.judged > 0) this.events.changed(job.id);
      }
    } finally {
      await db.end().catch(() => undefined);
    }

    return this.finish(job, lease, () => this.reports.write(job.id, REVERT_REPORT_HEADER));
  }

  private async sourceOf(job: ServiceImportJob): Promise<{ id: string; code: string } | null> {
    if (!job.revertsId) return null;
    return this.jobs.findOne({ where: { id: job.revertsId }, select: { id: true, code: true } });
  }

  /** Where a run goes on from: the last row number its earlier runs judged (recorded or reported). */
  private async lastJudged(db: Client, revertId: string): Promise<number> {
    const recorded = await this.reverts.lastJudged(db, revertId);
    const reported = await db.query<{ n: number | null }>(
      `SELECT max(row_number) AS n FROM service_import_rows WHERE job_id = $1`,
      [revertId],
    );
    return Math.max(recorded, reported.rows[0].n ?? 0);
  }

  private async batch(
    db: Client,
    job: ServiceImportJob,
    source: { id: string; code: string },
    at: { lease: number; checkpoint: number; after: number },
  ): Promise<{ ok: true; judged: number } | { ok: false; why: 'cancelled' | 'lease-lost' }> {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.query('BEGIN');
        const check = await lockJob(db, { id: job.id, lease: at.lease, checkpoint: at.checkpoint });
        if (!check.ok) {
          await db.query('ROLLBACK');
          return check;
        }
        const verdicts = await this.reverts.revertBatch(db, {
          changeSet: source.id,
          sourceCode: source.code,
          revertSet: job.id,
          revertCode: job.code,
          after: at.after,
          window: this.config.import.batchSize,
          dryRun: job.dryRun,
        });
        await this.record(db, job.id, verdicts);
        await db.query('COMMIT');
        return { ok: true, judged: verdicts.length };
      } catch (error) {
        await db.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code !== '40P01' || attempt >= MAX_DEADLOCK_RETRIES) throw error;
        this.logger.warn(
          jobLog(job.code, 'Deadlock with another writer of the same assignments; batch sent again'),
        );
      }
    }
  }

  /** The batch's not-reverted rows and counters, in its transaction. */
  private async record(db: Client, jobId: string, verdicts: RevertVerdict[]): Promise<void> {
    const skipped = verdicts.filter((v) => v.verdict !== 'Reverted');
    if (skipped.length > 0) {
      await db.query(
        `INSERT INTO service_import_rows (job_id, row_number, outcome, reason, message, "values")
         SELECT $1, r.n, 'Skipped', r.reason, r.message, jsonb_build_array(r.client, r.service)
           FROM jsonb_to_recordset($2::jsonb) AS r(n int, reason text, message text, client text, service text)`,
        [
          jobId,
          JSON.stringify(
            skipped.map((v) => ({
              n: v.rowNumber,
              reason: v.verdict,
              message: notRevertedMessage(v),
              client: v.clientCode,
              service: v.serviceCode,
            })),
          ),
        ],
      );
    }
    const kept = skipped.filter((v) => v.verdict === 'CHANGED_SINCE').length;
    const gone = skipped.length - kept;
    await db.query(
      `UPDATE service_import_jobs
          SET processed_items = processed_items + $2, reverted_count = reverted_count + $3,
              kept_count = kept_count + $4, gone_count = gone_count + $5, skipped_count = skipped_count + $4 + $5,
              heartbeat_at = now()
        WHERE id = $1`,
      [jobId, verdicts.length, verdicts.length - skipped.length, kept, gone],
    );
  }
}
