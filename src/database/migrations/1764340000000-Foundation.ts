import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764340000000 implements MigrationInterface {
  name = 'Foundation1764340000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (length(btrim(code)) > 0),
        name text NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_clients_code_ci" ON clients (lower(code))`);
    await q.query(`
      CREATE TABLE billable_services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (length(btrim(code)) > 0),
        name text NOT NULL,
        unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_billable_services_code_ci" ON billable_services (lower(code))`);
    await q.query(`
      CREATE TABLE client_billable_services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        billable_service_id uuid NOT NULL REFERENCES billable_services(id) ON DELETE RESTRICT,
        quantity integer NOT NULL CHECK (quantity >= 1),
        unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
        start_date date NULL,
        end_date date NULL,
        notes text NULL,
        import_job_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_client_billable_services_pair" UNIQUE (client_id, billable_service_id),
        CONSTRAINT "CHK_client_billable_services_dates" CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
      )`);
    await q.query(
      `CREATE INDEX "IDX_client_billable_services_service" ON client_billable_services (billable_service_id)`,
    );
    await q.query(
      `CREATE INDEX "IDX_client_billable_services_import" ON client_billable_services (import_job_id) WHERE import_job_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_billable_services`);
    await q.query(`DROP TABLE billable_services`);
    await q.query(`DROP TABLE clients`);
  }
}
