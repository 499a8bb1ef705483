import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write modes (create, upsert, update) and the change log.
 *
 * - An import has a mode and two more counters (updated, unchanged); the counters still add up to
 *   processed_items, enforced here.
 * - An import can come from another: a commit of a checked dry run, or a retry of the rows another
 *   import did not import.
 * - Clients owns what it records about its assignments, keyed by an opaque change set (an import
 *   passes its job id): the pairs a run has handled (so a later row of the same pair is judged as the
 *   first one left it, without touching the assignments in a dry run) and every change a run made, or
 *   would make, with the values before and after. An assignment names the import that last changed it
 *   by id and code, so Clients never joins an Import table.
 */
export class WriteModes1764780000000 implements MigrationInterface {
  name = 'WriteModes1764780000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE service_import_jobs
        ADD COLUMN mode text NOT NULL DEFAULT 'create' CHECK (mode IN ('create', 'upsert', 'update')),
        ADD COLUMN updated_count integer NOT NULL DEFAULT 0,
        ADD COLUMN unchanged_count integer NOT NULL DEFAULT 0,
        ADD COLUMN committed_from_id uuid NULL REFERENCES service_import_jobs(id) ON DELETE SET NULL,
        ADD COLUMN retry_of_id uuid NULL REFERENCES service_import_jobs(id) ON DELETE SET NULL,
        ADD COLUMN retry_filter jsonb NULL,
        DROP CONSTRAINT "CHK_service_import_jobs_counters",
        ADD CONSTRAINT "CHK_service_import_jobs_counters" CHECK (
          processed_items = created_count + updated_count + unchanged_count + skipped_count + error_count)`);
    // A dry run is committed once: a second commit finds the first one's job.
    await q.query(
      `CREATE UNIQUE INDEX "UQ_service_import_jobs_committed_from" ON service_import_jobs (committed_from_id) WHERE committed_from_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_service_import_jobs_retry_of" ON service_import_jobs (retry_of_id) WHERE retry_of_id IS NOT NULL`,
    );

    await q.query(`
      ALTER TABLE client_billable_services
        ADD COLUMN import_code text NULL,
        ADD COLUMN updated_at timestamptz NULL`);
    await q.query(`
      UPDATE client_billable_services a SET import_code = j.code
        FROM service_import_jobs j WHERE j.id = a.import_job_id`);

    await q.query(`
      CREATE TABLE assignment_run_pairs (
        change_set uuid NOT NULL,
        client_id uuid NOT NULL,
        billable_service_id uuid NOT NULL,
        row_number integer NOT NULL,
        PRIMARY KEY (change_set, client_id, billable_service_id)
      )`);
    await q.query(`
      INSERT INTO assignment_run_pairs (change_set, client_id, billable_service_id, row_number)
      SELECT job_id, client_id, billable_service_id, 0 FROM service_import_dry_pairs`);
    await q.query(`DROP TABLE service_import_dry_pairs`);

    // One row per created or updated assignment; "changed" is a bit set of the fields whose value
    // differs (1 quantity, 2 unitPrice, 4 startDate, 8 endDate, 16 notes); *_from is null for a
    // created assignment. Typed columns, not JSON: cheap to write a million times, exact to revert.
    await q.query(`
      CREATE TABLE assignment_changes (
        change_set uuid NOT NULL,
        row_number integer NOT NULL,
        action text NOT NULL CHECK (action IN ('Created', 'Updated')),
        assignment_id uuid NULL,
        client_code text NOT NULL,
        service_code text NOT NULL,
        changed smallint NOT NULL,
        quantity_from integer NULL,
        quantity_to integer NULL,
        unit_price_from numeric(12,2) NULL,
        unit_price_to numeric(12,2) NULL,
        start_date_from date NULL,
        start_date_to date NULL,
        end_date_from date NULL,
        end_date_to date NULL,
        notes_from text NULL,
        notes_to text NULL,
        PRIMARY KEY (change_set, row_number)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assignment_changes`);
    await q.query(`
      CREATE TABLE service_import_dry_pairs (
        job_id uuid NOT NULL REFERENCES service_import_jobs(id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        billable_service_id uuid NOT NULL,
        PRIMARY KEY (job_id, client_id, billable_service_id)
      )`);
    await q.query(`DROP TABLE assignment_run_pairs`);
    await q.query(`ALTER TABLE client_billable_services DROP COLUMN import_code, DROP COLUMN updated_at`);
    await q.query(`DROP INDEX "IDX_service_import_jobs_retry_of"`);
    await q.query(`DROP INDEX "UQ_service_import_jobs_committed_from"`);
    await q.query(`
      ALTER TABLE service_import_jobs
        DROP CONSTRAINT "CHK_service_import_jobs_counters",
        DROP COLUMN mode, DROP COLUMN updated_count, DROP COLUMN unchanged_count,
        DROP COLUMN committed_from_id, DROP COLUMN retry_of_id, DROP COLUMN retry_filter,
        ADD CONSTRAINT "CHK_service_import_jobs_counters"
          CHECK (processed_items = created_count + skipped_count + error_count)`);
  }
}
