import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Undo an import (POST /{code}/revert): a revert is a job of its own in service_import_jobs (kind
 * 'revert'), so it has the import's status, lease, checkpoint, events, cancel and report. It counts
 * what it reverted, what it kept because it changed since the import (CHANGED_SINCE) and what is gone
 * (GONE); kept and gone are its skipped rows, and the counters still add up to processed_items.
 * A real import is reverted once (a unique index); dry runs of a revert may be repeated. The change
 * log takes the revert's own records: Deleted (an assignment the import created) and Restored (the
 * values an update had replaced), so an assignment's history reads in order.
 */
export class Reverts1764910000000 implements MigrationInterface {
  name = 'Reverts1764910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE service_import_jobs
        ADD COLUMN kind text NOT NULL DEFAULT 'import' CHECK (kind IN ('import', 'revert')),
        ADD COLUMN reverts_id uuid NULL REFERENCES service_import_jobs(id) ON DELETE SET NULL,
        ADD COLUMN reverted_count integer NOT NULL DEFAULT 0,
        ADD COLUMN kept_count integer NOT NULL DEFAULT 0,
        ADD COLUMN gone_count integer NOT NULL DEFAULT 0,
        DROP CONSTRAINT "CHK_service_import_jobs_counters",
        ADD CONSTRAINT "CHK_service_import_jobs_counters" CHECK (
          processed_items = created_count + updated_count + unchanged_count + skipped_count + error_count + reverted_count),
        ADD CONSTRAINT "CHK_service_import_jobs_revert_skips" CHECK (kind = 'import' OR skipped_count = kept_count + gone_count)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_service_import_jobs_reverts" ON service_import_jobs (reverts_id) WHERE reverts_id IS NOT NULL AND NOT dry_run`,
    );
    await q.query(`
      ALTER TABLE assignment_changes
        DROP CONSTRAINT assignment_changes_action_check,
        ADD CONSTRAINT assignment_changes_action_check CHECK (action IN ('Created', 'Updated', 'Deleted', 'Restored'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM assignment_changes WHERE action IN ('Deleted', 'Restored')`);
    await q.query(`
      ALTER TABLE assignment_changes
        DROP CONSTRAINT assignment_changes_action_check,
        ADD CONSTRAINT assignment_changes_action_check CHECK (action IN ('Created', 'Updated'))`);
    await q.query(`DROP INDEX "UQ_service_import_jobs_reverts"`);
    await q.query(`DELETE FROM service_import_jobs WHERE kind = 'revert'`);
    await q.query(`
      ALTER TABLE service_import_jobs
        DROP CONSTRAINT "CHK_service_import_jobs_revert_skips",
        DROP CONSTRAINT "CHK_service_import_jobs_counters",
        DROP COLUMN kind, DROP COLUMN reverts_id, DROP COLUMN reverted_count, DROP COLUMN kept_count,
        DROP COLUMN gone_count,
        ADD CONSTRAINT "CHK_service_import_jobs_counters" CHECK (
          processed_items = created_count + updated_count + unchanged_count + skipped_count + error_count)`);
  }
}
