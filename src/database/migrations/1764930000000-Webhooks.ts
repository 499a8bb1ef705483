import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed completion webhooks. `webhooks` are the endpoints each API key registered; `webhook_events`
 * is the outbox: a row per (endpoint, ended job), inserted by the very statement that ends the job,
 * so an event can never be lost between the end and its delivery; `webhook_deliveries` keeps each
 * attempt (status code, duration, error, first 1 KB of the answer, when the next one is due).
 */
export class Webhooks1764930000000 implements MigrationInterface {
  name = 'Webhooks1764930000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner text,
        url text NOT NULL,
        events text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_webhooks_owner" ON webhooks (owner)`);
    await q.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        job_id uuid NOT NULL REFERENCES service_import_jobs (id) ON DELETE CASCADE,
        type text NOT NULL,
        status text NOT NULL DEFAULT 'Pending',
        round int NOT NULL DEFAULT 1,
        attempts int NOT NULL DEFAULT 0,
        enqueued_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX "IDX_webhook_events_not_enqueued" ON webhook_events (created_at) WHERE enqueued_at IS NULL`,
    );
    await q.query(`CREATE INDEX "IDX_webhook_events_webhook" ON webhook_events (webhook_id)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        attempt int NOT NULL,
        url text NOT NULL,
        status_code int,
        duration_ms int NOT NULL,
        error text,
        response_body text,
        next_retry_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX "IDX_webhook_deliveries_webhook" ON webhook_deliveries (webhook_id, created_at DESC)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`DROP TABLE webhooks`);
  }
}
