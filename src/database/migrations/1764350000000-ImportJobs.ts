import { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportJobs1764350000000 implements MigrationInterface {
  name = 'ImportJobs1764350000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_import_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        status text NOT NULL DEFAULT 'Queued'
          CHECK (status IN ('Queued', 'InProgress', 'Completed', 'Failed', 'Cancelled')),
        phase text NULL CHECK (phase IN ('Counting', 'Importing', 'WritingReport')),
        dry_run boolean NOT NULL DEFAULT false,
        owner text NULL,
        idempotency_key text NULL,
        request_hash text NULL,
        file_name text NOT NULL,
        upload_key text NOT NULL,
        report_key text NULL,
        file_size bigint NOT NULL,
        file_sha256 text NOT NULL,
        encoding text NOT NULL,
        delimiter text NOT NULL,
        header text[] NOT NULL,
        row_count integer NULL,
        upload_problem text NULL,
        total_items integer NULL,
        processed_items integer NOT NULL DEFAULT 0,
        created_count integer NOT NULL DEFAULT 0,
        skipped_count integer NOT NULL DEFAULT 0,
        error_count integer NOT NULL DEFAULT 0,
        lease integer NOT NULL DEFAULT 0,
        failure_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz NULL,
        completed_at timestamptz NULL,
        heartbeat_at timestamptz NULL,
        files_deleted_at timestamptz NULL,
        CONSTRAINT "CHK_service_import_jobs_counters"
          CHECK (processed_items = created_count + skipped_count + error_count)
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_service_import_jobs_code" ON service_import_jobs (code)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_service_import_jobs_idempotency" ON service_import_jobs (coalesce(owner, ''), idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_service_import_jobs_created" ON service_import_jobs (created_at DESC)`);
    await q.query(
      `CREATE INDEX "IDX_service_import_jobs_active" ON service_import_jobs (status) WHERE status IN ('Queued', 'InProgress')`,
    );
    // The rows that were not imported, written batch by batch in the same transaction as the
    // batch's assignments so that a re-run after a crash finds exactly what the first run left.
    await q.query(`
      CREATE TABLE service_import_rows (
        job_id uuid NOT NULL REFERENCES service_import_jobs(id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('Skipped', 'Error')),
        reason text NOT NULL,
        message text NOT NULL,
        "values" jsonb NOT NULL,
        PRIMARY KEY (job_id, row_number)
      )`);
    // A dry run records the pairs it would have created here, so that later rows of the same file
    // are judged exactly as in a real run (ALREADY_ASSIGNED), without touching the assignments.
    await q.query(`
      CREATE TABLE service_import_dry_pairs (
        job_id uuid NOT NULL REFERENCES service_import_jobs(id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        billable_service_id uuid NOT NULL,
        PRIMARY KEY (job_id, client_id, billable_service_id)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_import_dry_pairs`);
    await q.query(`DROP TABLE service_import_rows`);
    await q.query(`DROP TABLE service_import_jobs`);
  }
}
