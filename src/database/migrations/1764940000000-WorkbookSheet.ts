import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sheet an import reads, when its upload is an .xlsx workbook (null: a CSV file). */
export class WorkbookSheet1764940000000 implements MigrationInterface {
  name = 'WorkbookSheet1764940000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service_import_jobs ADD COLUMN sheet text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service_import_jobs DROP COLUMN sheet`);
  }
}
