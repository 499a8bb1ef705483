import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change log as a file: an import that created or updated anything (or, as a dry run, would)
 * ends with a CSV of its change records in storage, under this key, beside the not-imported report.
 */
export class ChangesReport1764800000000 implements MigrationInterface {
  name = 'ChangesReport1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service_import_jobs ADD COLUMN changes_report_key text NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service_import_jobs DROP COLUMN changes_report_key`);
  }
}
