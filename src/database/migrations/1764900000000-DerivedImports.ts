import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports started from another import (POST /{code}/commit and /retry).
 *
 * A commit shares its dry run's uploaded file: retention looks for the other jobs of a file before it
 * deletes it, by upload_key.
 *
 * A retry's rows come from another import's not-imported rows (POST /{code}/retry): for each data row
 * of the retry's file, the row's number in the file first uploaded, so the retry's report and rows
 * API can name it. Written with the retry's job row, in one transaction; a retry of a retry maps
 * straight to the first file. Deleted with the job's rows by retention.
 */
export class DerivedImports1764900000000 implements MigrationInterface {
  name = 'DerivedImports1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_import_row_origins (
        job_id uuid NOT NULL REFERENCES service_import_jobs(id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        original_row_number integer NOT NULL,
        PRIMARY KEY (job_id, row_number)
      )`);
    await q.query(`CREATE INDEX "IDX_service_import_jobs_upload_key" ON service_import_jobs (upload_key)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_service_import_jobs_upload_key"`);
    await q.query(`DROP TABLE service_import_row_origins`);
  }
}
