/**
 * `--revert`: after the import, its revert against the DBA's way in the same run. The baseline is
 * `DELETE FROM client_billable_services WHERE import_job_id = $1` of exactly the rows the import
 * wrote (in a transaction rolled back: the table stays as the import left it). Then the service
 * reverts the import (POST /{code}/revert, followed to Completed), the table is checked to be back
 * as it was before the import, and restored to its state after the import for the measurements that
 * follow. Upsert and update have no one-statement baseline (the values to restore come from the
 * change log): only the revert's rows/s is reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { Api } from './import-client';

export interface RevertSummary {
  /** Change records the revert went through, and those it undid. */
  records: number;
  reverted: number;
  seconds: number;
  rowsPerSecond: number;
  /** Create mode: the DELETE of the same rows, and its seconds / the revert's. */
  delete: { rows: number; seconds: number } | null;
  deleteToRevertRatio: number | null;
}

/** The assignments' values as one count and hash (the columns a revert restores). */
export interface TableFingerprint {
  n: number;
  h: string;
}

export async function tableFingerprint(pool: Pool): Promise<TableFingerprint> {
  const { rows } = await pool.query<TableFingerprint>(
    `SELECT count(*)::int AS n, coalesce(sum(hashtext(concat_ws('|', client_id, billable_service_id,
       quantity, unit_price, start_date, end_date, notes))::bigint), 0)::text AS h FROM client_billable_services`,
  );
  return rows[0];
}

export async function measureRevert(
  run: { pool: Pool; mode: string; log: (line: string) => void; beforeImport: TableFingerprint },
  api: Api,
  importCode: string,
  importJobId: string,
  problems: string[],
): Promise<RevertSummary> {
  const { pool, log } = run;
  await pool.query(`DROP TABLE IF EXISTS bench_after_import`);
  await pool.query(`CREATE TABLE bench_after_import AS SELECT * FROM client_billable_services`);

  let deleted: { rows: number; seconds: number } | null = null;
  if (run.mode === 'create') {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const started = performance.now();
      const result = await client.query(`DELETE FROM client_billable_services WHERE import_job_id = $1`, [
        importJobId,
      ]);
      deleted = { rows: result.rowCount ?? 0, seconds: (performance.now() - started) / 1000 };
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    log(`DELETE of ${deleted.rows} rows took ${deleted.seconds.toFixed(2)} s (rolled back)`);
  }

  log(`reverting import ${importCode}`);
  const started = performance.now();
  const res = await fetch(`${api.baseUrl}/api/service-imports/${encodeURIComponent(importCode)}/revert`, {
    method: 'POST',
    headers: api.headers,
  });
  if (res.status !== 202)
    throw new Error(`revert answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  const code = ((await res.json()) as { code: string }).code;
  let job: {
    status: string;
    totalItems: number | null;
    revertedCount: number;
    skippedCount: number;
    failureReason: string | null;
  };
  for (;;) {
    const poll = await fetch(`${api.baseUrl}/api/service-imports/${encodeURIComponent(code)}`, {
      headers: api.headers,
    });
    job = (await poll.json()) as typeof job;
    if (['Completed', 'Failed', 'Cancelled'].includes(job.status)) break;
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  if (job.status !== 'Completed') problems.push(`the revert ended ${job.status}: ${job.failureReason ?? ''}`);
  if (job.skippedCount !== 0) problems.push(`the revert kept or found gone ${job.skippedCount} assignments`);
  const [{ n: left }] = (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM client_billable_services WHERE import_job_id = $1`,
      [importJobId],
    )
  ).rows;
  if (run.mode === 'create' && left !== 0)
    problems.push(`${left} assignments of the import are left after the revert`);
  const records = job.totalItems ?? 0;
  log(`revert of ${records} change records took ${seconds.toFixed(2)} s`);

  const after = await tableFingerprint(pool);
  if (after.n !== run.beforeImport.n || after.h !== run.beforeImport.h) {
    problems.push(
      `after the revert the table holds ${after.n} rows (hash ${after.h}), before the import ${run.beforeImport.n} (hash ${run.beforeImport.h})`,
    );
  }
  // Back to the table as the import left it, for what is measured next.
  await pool.query(`TRUNCATE client_billable_services`);
  await pool.query(`INSERT INTO client_billable_services SELECT * FROM bench_after_import`);
  await pool.query(`DROP TABLE bench_after_import`);
  log(
    `table after the revert: ${after.n} rows, ${after.h === run.beforeImport.h ? 'the same values as' : 'NOT the values of'} the table before the import; put back as the import left it`,
  );

  return {
    records,
    reverted: job.revertedCount,
    seconds,
    rowsPerSecond: records / seconds,
    delete: deleted,
    deleteToRevertRatio: deleted ? deleted.seconds / seconds : null,
  };
}
