import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change log file is written after the import has completed, not before: at a million records it
 * takes seconds that the import's end (and its progress) should not wait for. Until it is written the
 * job says so (changes_file_pending); the worker writes it right after completing, and the sweeper
 * writes what a worker that died in between left pending.
 */
export class DeferredChangesFile1764920000000 implements MigrationInterface {
  name = 'DeferredChangesFile1764920000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE service_import_jobs ADD COLUMN changes_file_pending boolean NOT NULL DEFAULT false`,
    );
    await q.query(
      `CREATE INDEX "IDX_service_import_jobs_changes_pending" ON service_import_jobs (completed_at) WHERE changes_file_pending`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_service_import_jobs_changes_pending"`);
    await q.query(`ALTER TABLE service_import_jobs DROP COLUMN changes_file_pending`);
  }
}
