import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each API key sees only its own imports: its list (newest first) and its active count use this. */
export class ImportJobsOwnerIndex1764420000000 implements MigrationInterface {
  name = 'ImportJobsOwnerIndex1764420000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_service_import_jobs_owner_created" ON service_import_jobs (owner, created_at DESC, id DESC)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_service_import_jobs_owner_created"`);
  }
}
