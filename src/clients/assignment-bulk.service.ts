import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AssignmentStage } from './assignment-stage';

export type AssignmentSkipReason =
  'CLIENT_NOT_FOUND' | 'CLIENT_INACTIVE' | 'SERVICE_NOT_FOUND' | 'ALREADY_ASSIGNED';

export interface AssignmentBatchResult {
  created: number;
  /** The rows that were not created, with why; rows not listed were created. */
  skipped: { rowNumber: number; reason: AssignmentSkipReason }[];
}

export interface AssignOptions {
  /** Recorded on every created assignment. */
  importJobId: string;
  /** Check everything but write into the job's dry-run pair set instead of the assignments. */
  dryRun: boolean;
}

const STAGE_DDL = `
  CREATE TEMP TABLE IF NOT EXISTS assignment_stage (
    rn integer NOT NULL,
    first boolean NOT NULL,
    deferred boolean NOT NULL,
    cc text NOT NULL,
    sc text NOT NULL,
    qty integer,
    price numeric(12,2),
    sd date,
    ed date,
    notes text
  ) ON COMMIT DELETE ROWS`;

// Resolves the codes of the batch's rows (deferred ones, or the others) with two joins (a client is
// one index lookup per row, forced by the LATERAL ... OFFSET 0: the cost follows the batch, never
// the size of the clients table, and the staging table needs no statistics), inserts the first
// occurrence of every pair in (client, service) order, and reports every row that was not created.
// Same-pair rows later in the batch ("first" false) are never inserted: they are ALREADY_ASSIGNED
// once their pair exists. Inserting in one order keeps two one-statement batches from deadlocking;
// PostgreSQL resolves the deadlocks that remain possible (see BatchPipeline).
const resolveSql = (target: 'real' | 'dry', deferred: boolean) => `
  WITH s AS (
    SELECT st.rn, st.first, c.id AS client_id, c.is_active, b.id AS service_id,
           st.qty, coalesce(st.price, b.unit_price) AS price, st.sd, st.ed, st.notes
      FROM assignment_stage st
      LEFT JOIN LATERAL (SELECT id, is_active FROM clients WHERE lower(code) = st.cc OFFSET 0) c ON true
      LEFT JOIN billable_services b ON lower(b.code) = st.sc
     WHERE st.deferred = ${deferred}
  ),
  ins AS (
    ${
      target === 'real'
        ? `INSERT INTO client_billable_services
             (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes, import_job_id)
           SELECT client_id, service_id, coalesce(qty, 1), price, sd, ed, notes, $1
             FROM s
            WHERE first AND client_id IS NOT NULL AND is_active AND service_id IS NOT NULL
            ORDER BY client_id, service_id
           ON CONFLICT (client_id, billable_service_id) DO NOTHING
           RETURNING client_id, billable_service_id`
        : `INSERT INTO service_import_dry_pairs (job_id, client_id, billable_service_id)
           SELECT $1, client_id, service_id
             FROM s
            WHERE first AND client_id IS NOT NULL AND is_active AND service_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM client_billable_services x
                               WHERE x.client_id = s.client_id AND x.billable_service_id = s.service_id)
            ORDER BY client_id, service_id
           ON CONFLICT DO NOTHING
           RETURNING client_id, billable_service_id`
    }
  )
  SELECT s.rn,
         CASE WHEN s.client_id IS NULL THEN 'CLIENT_NOT_FOUND'
              WHEN s.service_id IS NULL THEN 'SERVICE_NOT_FOUND'
              WHEN NOT s.is_active THEN 'CLIENT_INACTIVE'
              WHEN ins.client_id IS NULL THEN 'ALREADY_ASSIGNED'
         END AS reason
    FROM s
    LEFT JOIN ins ON s.first AND ins.client_id = s.client_id AND ins.billable_service_id = s.service_id
   WHERE ins.client_id IS NULL
   ORDER BY s.rn`;

const SQL = {
  real: resolveSql('real', false),
  dry: resolveSql('dry', false),
  realDeferred: resolveSql('real', true),
  dryDeferred: resolveSql('dry', true),
};

/**
 * Assigns catalog services to clients a whole batch at a time: the rows, already in COPY text form
 * (AssignmentStageBuilder, built where the file is parsed), are COPYed into a temporary staging table
 * and resolved and inserted by one INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING. No query
 * per row. Runs on the caller's connection, inside the caller's transaction.
 */
@Injectable()
export class AssignmentBulkService {
  /**
   * COPYs the batch into the staging table (temporary: it locks nothing shared). Call it before
   * taking any lock: a COPY waiting for the data of a frozen client is not ended by
   * statement_timeout (PostgreSQL handles a cancel only once data arrives), so it must never hold one.
   */
  async stage(db: ClientBase, stage: AssignmentStage): Promise<void> {
    if (stage.count === 0) return;
    await db.query(STAGE_DDL);
    const bytes = Buffer.from(stage.bytes.buffer, stage.bytes.byteOffset, stage.bytes.byteLength);
    await pipeline(Readable.from([bytes]), db.query(copyFrom('COPY assignment_stage FROM STDIN')));
  }

  /** Assigns the staged rows (stage(), same transaction), except the deferred ones. */
  async assign(
    db: ClientBase,
    stage: AssignmentStage,
    options: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    return this.resolve(db, stage.count - stage.deferred, options.dryRun ? SQL.dry : SQL.real, options);
  }

  /**
   * Assigns the batch's deferred rows (staged by stage(), same transaction): call it once the batch
   * before has committed, so a pair it had is seen as it left it.
   */
  async assignDeferred(
    db: ClientBase,
    stage: AssignmentStage,
    options: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    if (stage.deferred === 0) return { created: 0, skipped: [] };
    return this.resolve(db, stage.deferred, options.dryRun ? SQL.dryDeferred : SQL.realDeferred, options);
  }

  private async resolve(
    db: ClientBase,
    rows: number,
    sql: string,
    options: AssignOptions,
  ): Promise<AssignmentBatchResult> {
    if (rows === 0) return { created: 0, skipped: [] };
    const result = await db.query<{ rn: number; reason: AssignmentSkipReason }>(sql, [options.importJobId]);
    return {
      created: rows - result.rows.length,
      skipped: result.rows.map((r) => ({ rowNumber: r.rn, reason: r.reason })),
    };
  }
}
