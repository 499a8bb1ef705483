// The assignments as a spec seeds and reads them back (codes, not ids; dates and prices as text).
import { DataSource } from 'typeorm';
import { CHANGE_ROW_COLUMNS, type ChangeRow, toChangeDto } from '../../src/clients/assignment-change-pages';
import { AssignmentChangeAction } from '../../src/clients/dto/assignment-change.dto';
import { byPair, type StoredAssignment } from './assignment-model';
import { seedCatalog } from './imports';
import { createTestApp, TestApp } from './test-app';

/**
 * The test app of a spec that runs two jobs on the same pairs at once (IMPORT_CONCURRENCY 2, batches
 * of `batchSize`), its catalog seeded at one price, its change records numbered in the order they
 * were written (applied_seq), to tell whether the two jobs' batches interleaved.
 */
export async function appForOverlappingWrites(
  clients: string[],
  services: string[],
  catalogPrice: string,
  batchSize: number,
): Promise<TestApp> {
  const t = await createTestApp({ IMPORT_CONCURRENCY: '2', IMPORT_BATCH_SIZE: String(batchSize) });
  await seedCatalog(
    t.dataSource,
    clients,
    services.map((s) => [s, catalogPrice]),
  );
  await t.dataSource.query(`ALTER TABLE assignment_changes ADD COLUMN applied_seq bigserial`);
  return t;
}

/** Replaces every assignment with `list`; returns them as stored (with their ids), by pair. */
export async function seedAssignments(db: DataSource, list: StoredAssignment[]): Promise<StoredAssignment[]> {
  await db.query(`DELETE FROM client_billable_services`);
  if (list.length === 0) return [];
  await db.query(
    `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes)
     SELECT c.id, s.id, v.q, v.p::numeric, v.sd::date, v.ed::date, v.n
       FROM jsonb_to_recordset($1::jsonb) AS v(c text, s text, q int, p text, sd text, ed text, n text)
       JOIN clients c ON c.code = v.c JOIN billable_services s ON s.code = v.s`,
    [
      JSON.stringify(
        list.map((a) => ({
          c: a.client,
          s: a.service,
          q: a.quantity,
          p: a.unitPrice,
          sd: a.startDate,
          ed: a.endDate,
          n: a.notes,
        })),
      ),
    ],
  );
  return readAssignments(db);
}

/** Every assignment, by client then service code. */
export async function readAssignments(db: DataSource): Promise<StoredAssignment[]> {
  const rows: StoredAssignment[] = await db.query(
    `SELECT a.id, c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS "unitPrice",
            to_char(a.start_date, 'YYYY-MM-DD') AS "startDate", to_char(a.end_date, 'YYYY-MM-DD') AS "endDate",
            a.notes, a.import_code AS "importCode"
       FROM client_billable_services a JOIN clients c ON c.id = a.client_id
       JOIN billable_services s ON s.id = a.billable_service_id`,
  );
  return rows.sort(byPair);
}

/**
 * Keeps the assignments as they are now, ids and all, in a table of the spec's own database, so
 * restoreAssignments can put them back between runs. The same ids each run, so that what a run
 * records about a stored assignment (its id in the change log) is comparable from run to run.
 */
export async function snapshotAssignments(db: DataSource): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS assignments_snapshot`);
  await db.query(`CREATE TABLE assignments_snapshot AS SELECT * FROM client_billable_services`);
  // Joined by id to 100k assignments: an index and statistics, or the planner guesses a few rows.
  await db.query(`ALTER TABLE assignments_snapshot ADD PRIMARY KEY (id)`);
  await db.query(`ANALYZE assignments_snapshot`);
}

/**
 * The assignments exactly as snapshotAssignments kept them: what runs created is gone, the rest reset,
 * what runs deleted (a revert) back with its id.
 */
export async function restoreAssignments(db: DataSource): Promise<void> {
  const columns: { name: string }[] = await db.query(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'client_billable_services' AND column_name <> 'id'`,
  );
  const list = columns.map((c) => `"${c.name}"`).join(', ');
  const values = columns.map((c) => `s."${c.name}"`).join(', ');
  const current = columns.map((c) => `a."${c.name}"`).join(', ');
  await db.query(
    `DELETE FROM client_billable_services a WHERE NOT EXISTS (SELECT 1 FROM assignments_snapshot s WHERE s.id = a.id)`,
  );
  await db.query(
    `UPDATE client_billable_services a SET (${list}) = (${values}) FROM assignments_snapshot s
      WHERE s.id = a.id AND (${current}) IS DISTINCT FROM (${values})`,
  );
  // After the deletes: a pair deleted and created again under a new id is free for its old row.
  await db.query(
    `INSERT INTO client_billable_services (id, ${list}) SELECT s.id, ${values} FROM assignments_snapshot s
      WHERE NOT EXISTS (SELECT 1 FROM client_billable_services a WHERE a.id = s.id)`,
  );
}

/**
 * A run's change log in row order (assignment_changes of its change set, the job id), each record as
 * the API shows it (the same mapping as GET /{code}/changes), one JSON string each. The id of an
 * assignment the run created is new each run, so it is shown as "(created)"; the id of a stored one is
 * kept (restoreAssignments keeps ids).
 */
export async function readChangeLog(db: DataSource, changeSet: string): Promise<string[]> {
  const rows: ChangeRow[] = await db.query(
    `SELECT ${CHANGE_ROW_COLUMNS} FROM assignment_changes WHERE change_set = $1 ORDER BY row_number`,
    [changeSet],
  );
  return rows.map((row) => {
    const dto = toChangeDto(row);
    return JSON.stringify(
      dto.action === AssignmentChangeAction.Created ? { ...dto, assignmentId: '(created)' } : dto,
    );
  });
}
