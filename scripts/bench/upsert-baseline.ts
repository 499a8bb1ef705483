/**
 * The baseline of an upsert or update run: what a DBA would do by hand to bring the table from the
 * same starting state to the same end state, in one transaction, with the service stopped and the
 * table's constraints and indexes in place:
 *
 *   COPY client_billable_services (...) FROM STDIN          -- the created rows (upsert only)
 *   CREATE TEMP TABLE u ...; COPY u FROM STDIN; ANALYZE u   -- the updated rows' final values
 *   UPDATE client_billable_services x SET ... FROM u
 *    WHERE (x.client_id, x.billable_service_id) = (u.client_id, u.billable_service_id)
 *
 * Both files are exported from the import's result, picked by its change log (the assignments it
 * recorded as Created or Updated). The baseline writes no change log: that is the service's extra
 * work, and it is in the import's time. The table must end up identical to the import's (a
 * fingerprint of every assignment's values, before and after), or the run is broken.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { BenchMode } from './options';
import type { Pair } from './pre-assigned';
import { resetAssignments, withClient } from './database';

/** The values an upsert writes: the COPY of created rows loads these, the temporary table holds them. */
const VALUE_COLUMNS =
  'client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes, import_job_id, import_code';
const SET_FROM_U = `quantity = u.quantity, unit_price = u.unit_price, start_date = u.start_date,
  end_date = u.end_date, notes = u.notes, import_job_id = u.import_job_id, import_code = u.import_code,
  updated_at = now()`;

export interface UpsertBaseline {
  /** Rows COPYed into client_billable_services (0 in update mode). */
  created: number;
  /** Rows the UPDATE changed. */
  updated: number;
  /** COPY of the created rows; null in update mode. */
  copySeconds: number | null;
  /** Temporary table, its COPY and ANALYZE, the UPDATE, and the commit. */
  updateSeconds: number;
  /** The whole transaction. */
  seconds: number;
}

export interface BaselineRun {
  url: string;
  pool: Pool;
  tmp: string;
  mode: BenchMode;
  importJobId: string;
  /** The pairs the import started from: the table is reset to them. */
  preAssigned: Pair[];
  log: (line: string) => void;
}

/** Exports the import's rows, resets the table, times the baseline; pushes what does not add up. */
export async function measureUpsertBaseline(
  run: BaselineRun,
  job: { createdCount: number; updatedCount: number },
  problems: string[],
): Promise<UpsertBaseline> {
  if (!/^[0-9a-f-]{36}$/i.test(run.importJobId)) throw new Error(`not a uuid: ${run.importJobId}`);
  const afterImport = await fingerprint(run.pool);
  const createdFile = join(run.tmp, 'created-rows.copy');
  const updatedFile = join(run.tmp, 'updated-rows.copy');
  const exported = {
    created: run.mode === 'upsert' ? await exportRows(run, 'Created', createdFile) : 0,
    updated: await exportRows(run, 'Updated', updatedFile),
  };
  if (exported.created !== job.createdCount || exported.updated !== job.updatedCount) {
    problems.push(
      `the change log names ${exported.created} created and ${exported.updated} updated assignments, ` +
        `the job counted ${job.createdCount} and ${job.updatedCount}`,
    );
  }
  await resetAssignments(run.pool, run.preAssigned);
  run.log(
    `baseline: ${run.mode === 'upsert' ? `COPY of ${exported.created} created rows, then ` : ''}` +
      `UPDATE ... FROM a COPYed temporary table of ${exported.updated} rows, in one transaction`,
  );
  const baseline = await timeBaseline(run.url, run.mode === 'upsert' ? createdFile : null, updatedFile);
  run.log(`baseline took ${baseline.seconds.toFixed(2)} s`);
  if (baseline.created !== exported.created || baseline.updated !== exported.updated) {
    problems.push(
      `the baseline created ${baseline.created} and updated ${baseline.updated} rows, ` +
        `expected ${exported.created} and ${exported.updated}`,
    );
  }
  const afterBaseline = await fingerprint(run.pool);
  if (afterBaseline !== afterImport) {
    problems.push(`the table after the baseline (${afterBaseline}) is not the import's (${afterImport})`);
  }
  return baseline;
}

/** The import's assignments recorded with `action` in its change log, as COPY text. */
async function exportRows(run: BaselineRun, action: 'Created' | 'Updated', file: string): Promise<number> {
  return withClient(run.url, async (db) => {
    const copy = db.query(
      copyTo(
        `COPY (SELECT ${prefixed('x', VALUE_COLUMNS)}
                 FROM assignment_changes c JOIN client_billable_services x ON x.id = c.assignment_id
                WHERE c.change_set = '${run.importJobId}' AND c.action = '${action}'
                ORDER BY c.row_number) TO STDOUT`,
      ),
    );
    await pipeline(copy, createWriteStream(file));
    return copy.rowCount;
  });
}

async function timeBaseline(
  url: string,
  createdFile: string | null,
  updatedFile: string,
): Promise<UpsertBaseline> {
  return withClient(url, async (db) => {
    const started = performance.now();
    await db.query('BEGIN');
    let created = 0;
    if (createdFile) created = await copyInto(db, `client_billable_services (${VALUE_COLUMNS})`, createdFile);
    const copied = performance.now();
    await db.query(
      `CREATE TEMP TABLE u ON COMMIT DROP AS SELECT ${VALUE_COLUMNS} FROM client_billable_services WITH NO DATA`,
    );
    await copyInto(db, 'u', updatedFile);
    await db.query('ANALYZE u');
    const { rowCount } = await db.query(
      `UPDATE client_billable_services x SET ${SET_FROM_U}
         FROM u WHERE (x.client_id, x.billable_service_id) = (u.client_id, u.billable_service_id)`,
    );
    await db.query('COMMIT');
    const ended = performance.now();
    return {
      created,
      updated: rowCount ?? 0,
      copySeconds: createdFile ? (copied - started) / 1000 : null,
      updateSeconds: (ended - copied) / 1000,
      seconds: (ended - started) / 1000,
    };
  });
}

async function copyInto(db: Client, target: string, file: string): Promise<number> {
  const copy = db.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
  return copy.rowCount;
}

/** Every assignment's values (not its id or timestamps), summed as 64-bit hashes: equal tables, equal sums. */
async function fingerprint(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ n: number; h: string | null }>(
    `SELECT count(*)::int AS n, sum(hashtextextended(row(${VALUE_COLUMNS})::text, 0))::text AS h
       FROM client_billable_services`,
  );
  return `${rows[0].n} rows, hash sum ${rows[0].h ?? 0}`;
}

const prefixed = (alias: string, columns: string) =>
  columns
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
