import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deaths of an import's worker, counted on the job row: a delivery opens (delivery_open) when it takes
 * the job and closes when it ends in any way its process lived to see. A delivery that finds the
 * previous one still open knows that one's worker died. worker_deaths counts them since the import
 * last moved on (deaths_checkpoint: processed_items at the last death counted).
 */
export class ImportJobWorkerDeaths1764690000000 implements MigrationInterface {
  name = 'ImportJobWorkerDeaths1764690000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE service_import_jobs
        ADD COLUMN delivery_open boolean NOT NULL DEFAULT false,
        ADD COLUMN worker_deaths integer NOT NULL DEFAULT 0,
        ADD COLUMN deaths_checkpoint integer NOT NULL DEFAULT 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE service_import_jobs
        DROP COLUMN delivery_open, DROP COLUMN worker_deaths, DROP COLUMN deaths_checkpoint`);
  }
}
