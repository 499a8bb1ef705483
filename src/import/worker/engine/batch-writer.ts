import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { AssignmentBulkService, type AssignmentWriteMode } from '../../../clients/assignment-bulk.service';
import { ImportMetrics } from '../../job/import-metrics';
import { insertNotImported, NotImportedRows } from './not-imported-rows';
import { ParsedBatch } from '../parse/parsed-batch';

export interface BatchCommit {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: number;
}

export type BatchResult = { ok: true; commit: BatchCommit } | { ok: false; why: 'cancelled' | 'lease-lost' };

/**
 * Where a batch stands among the batches of its run that are in the database at once. The job row
 * lock orders their commits: each batch checks (under the lock) that the job is at the checkpoint
 * its predecessor leaves, so batch N commits after batch N-1 whatever the connections do.
 */
export interface BatchOrder {
  /**
   * Take the job row lock before the batch's work (a leader) or after it (a follower: its work runs
   * while the leader's is in the database, and it then waits in PostgreSQL for the leader's commit).
   */
  lockFirst: boolean;
  /**
   * Resolves once the batch before holds the job row lock or has ended. Ours is requested only after
   * it, so the batches queue for the lock in file order. A batch waits for it before BEGIN, holding
   * nothing: every wait of a batch that holds locks is one PostgreSQL sees (and can call a deadlock).
   */
  predecessorLocked: Promise<void>;
  /** Called once this batch holds the job row lock, or has ended without it. */
  onLocked: () => void;
}

/** One batch at a time: take the lock first, after nobody. */
export const SERIAL: BatchOrder = {
  lockFirst: true,
  predecessorLocked: Promise.resolve(),
  onLocked: () => undefined,
};

/** The job a batch belongs to, as the batch needs it. */
export interface BatchJob {
  id: string;
  code: string;
  lease: number;
  checkpoint: number;
  dryRun: boolean;
  mode: AssignmentWriteMode;
}

type JobCheck = { ok: true } | { ok: false; why: 'cancelled' | 'lease-lost' };

/**
 * Commits one batch in one transaction: the assignments, the not-imported rows, the counters and the
 * checkpoint. Under the job row lock the job must still be InProgress under our lease at the
 * expected checkpoint; otherwise nothing is written (a cancelled job, or a stale worker).
 */
@Injectable()
export class BatchWriter {
  constructor(
    private readonly assignments: AssignmentBulkService,
    private readonly metrics: ImportMetrics,
  ) {}

  async commit(
    db: ClientBase,
    job: BatchJob,
    batch: ParsedBatch,
    order: BatchOrder = SERIAL,
  ): Promise<BatchResult> {
    await order.predecessorLocked;
    const started = performance.now();
    try {
      await db.query('BEGIN');
      // Staged before any lock is taken (see AssignmentBulkService.stage).
      await this.assignments.stage(db, batch.stage);
      if (order.lockFirst) {
        const check = await lockJob(db, job);
        order.onLocked();
        if (!check.ok) return await rollback(db, check.why);
      }
      const options = { changeSet: job.id, sourceCode: job.code, mode: job.mode, dryRun: job.dryRun };
      const result = await this.assignments.assign(db, batch.stage, options);
      if (!order.lockFirst) {
        const check = await lockJob(db, job);
        order.onLocked();
        if (!check.ok) return await rollback(db, check.why);
      }
      // The batch before has committed now: the rows whose pair it also had can be resolved.
      const deferred = await this.assignments.assignDeferred(db, batch.stage, options);
      const notImported = new NotImportedRows();
      const rejected = [...result.rejected, ...deferred.rejected];
      const { rowNumbers, details, ends } = batch.valid;
      let dbErrors = 0;
      for (const row of rejected) {
        const i = indexOfRow(rowNumbers, row.rowNumber);
        notImported.rejected(row, details, i === 0 ? 0 : ends[i - 1], ends[i]);
        if (row.reason === 'INVALID_DATE_RANGE') dbErrors++;
      }
      // Rows of the job are written under its lock: a stale worker of the same job never waits for
      // our rows while holding the lock we wait for.
      await insertNotImported(db, job.id, [batch.errors.lines, notImported.take()]);
      const commit: BatchCommit = {
        created: result.created + deferred.created,
        updated: result.updated + deferred.updated,
        unchanged: result.unchanged + deferred.unchanged,
        skipped: rejected.length - dbErrors,
        errors: batch.errors.count + dbErrors,
      };
      await db.query(
        `UPDATE service_import_jobs
            SET processed_items = processed_items + $2, created_count = created_count + $3,
                updated_count = updated_count + $4, unchanged_count = unchanged_count + $5,
                skipped_count = skipped_count + $6, error_count = error_count + $7, heartbeat_at = now()
          WHERE id = $1`,
        [job.id, batch.size, commit.created, commit.updated, commit.unchanged, commit.skipped, commit.errors],
      );
      await db.query('COMMIT');
      this.metrics.batchCommitted(
        (performance.now() - started) / 1000,
        commit,
        rejected,
        batch.errors.reasons,
        job,
      );
      return { ok: true, commit };
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // Whatever happened, the next batch must not wait for this one's lock forever.
      order.onLocked();
    }
  }
}

/** Locks the job row; the job must be InProgress under our lease at the batch's checkpoint. */
export async function lockJob(
  db: ClientBase,
  job: { id: string; lease: number; checkpoint: number },
): Promise<JobCheck> {
  const lock = await db.query<{ status: string; lease: number; processed_items: number }>(
    // NO KEY UPDATE: it orders the batches and conflicts with every UPDATE of the job (cancel, a new
    // lease), yet not with the key-share lock a foreign key to the job takes (service_import_dry_pairs).
    `SELECT status, lease, processed_items FROM service_import_jobs WHERE id = $1 FOR NO KEY UPDATE`,
    [job.id],
  );
  const row = lock.rows[0];
  if (
    row &&
    row.lease === job.lease &&
    row.processed_items === job.checkpoint &&
    row.status === 'InProgress'
  ) {
    return { ok: true };
  }
  return { ok: false, why: row?.status === 'Cancelled' ? 'cancelled' : 'lease-lost' };
}

async function rollback(db: ClientBase, why: 'cancelled' | 'lease-lost'): Promise<BatchResult> {
  await db.query('ROLLBACK');
  return { ok: false, why };
}

/** Position of `rowNumber` in the ascending `rowNumbers` (the database reports only rows it was given). */
function indexOfRow(rowNumbers: Uint32Array, rowNumber: number): number {
  let lo = 0;
  let hi = rowNumbers.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = rowNumbers[mid];
    if (at === rowNumber) return mid;
    if (at < rowNumber) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`Row ${rowNumber} is not among the batch's valid rows`);
}
