/**
 * Everything the benchmark does to PostgreSQL directly: the throwaway database, the catalog seed,
 * the pre-existing assignments, and the COPY baseline (the upsert baseline is upsert-baseline.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { CLIENTS, SERVICES, clientCode, serviceCode } from './dataset';
import type { Pair } from './pre-assigned';

/** The columns an import writes; the COPY baseline loads exactly these. */
const ASSIGNMENT_COLUMNS =
  'client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes, import_job_id';

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({
    connectionString: databaseUrl(serverUrl, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Creates an empty database with a random name; the service applies its migrations at start-up. */
export async function createBenchDatabase(serverUrl: string): Promise<string> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  // FORCE: a killed service may leave connections behind for a moment.
  await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function serverVersion(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return rows[0].v;
}

type SeedCatalog = (db: DataSource, counts: { clients: number; services: number }) => Promise<unknown>;

/**
 * Seeds CLIENTS clients and SERVICES services with the project's own `scripts/seed.ts` when it loads,
 * otherwise with the same two generate_series INSERTs here. Returns which one ran.
 */
export async function seedCatalog(url: string, pool: Pool): Promise<'scripts/seed.ts' | 'bench SQL'> {
  const seedScript = loadSeedScript();
  let used: 'scripts/seed.ts' | 'bench SQL' = 'bench SQL';
  if (seedScript) {
    const db = await new DataSource({ type: 'postgres', url }).initialize();
    try {
      await seedScript(db, { clients: CLIENTS, services: SERVICES });
      used = 'scripts/seed.ts';
    } finally {
      await db.destroy();
    }
  } else {
    await pool.query(
      `INSERT INTO clients (code, name)
       SELECT 'C' || lpad(n::text, 6, '0'), 'Client ' || lpad(n::text, 6, '0') FROM generate_series(1, $1::int) n`,
      [CLIENTS],
    );
    await pool.query(
      `INSERT INTO billable_services (code, name, unit_price)
       SELECT 'S' || lpad(n::text, 4, '0'), 'Service ' || lpad(n::text, 4, '0'), 10.00
         FROM generate_series(1, $1::int) n`,
      [SERVICES],
    );
  }
  const { rows } = await pool.query<{ clients: number; services: number }>(
    `SELECT (SELECT count(*)::int FROM clients) AS clients, (SELECT count(*)::int FROM billable_services) AS services`,
  );
  if (rows[0].clients !== CLIENTS || rows[0].services !== SERVICES) {
    throw new Error(`seeding left ${rows[0].clients} clients and ${rows[0].services} services`);
  }
  return used;
}

/** The seed script is another engineer's file: if it is missing or does not compile, seed here instead. */
function loadSeedScript(): SeedCatalog | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(__dirname, '..', 'seed')) as { seedCatalog?: unknown };
    return typeof mod.seedCatalog === 'function' ? (mod.seedCatalog as SeedCatalog) : null;
  } catch {
    return null;
  }
}

/** Each service's catalog price in cents, by service number (what a pre-assigned pair stores). */
export async function catalogCents(pool: Pool): Promise<(service: number) => number> {
  const { rows } = await pool.query<{ code: string; cents: string }>(
    'SELECT code, round(unit_price * 100)::bigint AS cents FROM billable_services',
  );
  const byCode = new Map(rows.map((r) => [r.code, Number(r.cents)]));
  return (service) => {
    const cents = byCode.get(serviceCode(service));
    if (cents === undefined) throw new Error(`no service ${serviceCode(service)} in the catalog`);
    return cents;
  };
}

/**
 * The table as every measured step starts from it: emptied, the pre-assigned pairs inserted, planner
 * statistics as a long-running database would have them, dirty buffers flushed.
 */
export async function resetAssignments(pool: Pool, pairs: Pair[]): Promise<void> {
  await truncateAssignments(pool);
  await insertExistingPairs(pool, pairs);
  await analyze(pool);
  await checkpoint(pool);
}

/**
 * Inserts pairs assigned before the import (quantity 1, the catalog price, no dates, no notes:
 * PRE_ASSIGNED_VALUES), which a create-mode import must skip and an upsert must compare with.
 */
export async function insertExistingPairs(pool: Pool, pairs: Pair[]): Promise<void> {
  const { rowCount } = await pool.query(
    `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
     SELECT c.id, s.id, 1, s.unit_price
       FROM unnest($1::text[], $2::text[]) AS p(client_code, service_code)
       JOIN clients c ON lower(c.code) = lower(p.client_code)
       JOIN billable_services s ON lower(s.code) = lower(p.service_code)`,
    [pairs.map((p) => clientCode(p.client)), pairs.map((p) => serviceCode(p.service))],
  );
  if (rowCount !== pairs.length)
    throw new Error(`pre-inserted ${rowCount} of ${pairs.length} existing pairs`);
}

/** Planner statistics, as a long-running database would have them. */
export async function analyze(pool: Pool): Promise<void> {
  await pool.query('ANALYZE clients, billable_services, client_billable_services');
}

/** Flushes dirty buffers so a measurement does not pay for the previous step's writes. */
export async function checkpoint(pool: Pool): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => undefined); // needs superuser; skipping it only adds noise
}

export async function jobId(pool: Pool, code: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM service_import_jobs WHERE code = $1', [
    code,
  ]);
  if (rows.length === 0) throw new Error(`no service_import_jobs row with code ${code}`);
  return rows[0].id;
}

export async function countImported(pool: Pool, importJobId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM client_billable_services WHERE import_job_id = $1',
    [importJobId],
  );
  return rows[0].n;
}

/** Saves the rows the import created to `file` (COPY text format); returns how many. */
export async function exportImportedRows(url: string, importJobId: string, file: string): Promise<number> {
  if (!/^[0-9a-f-]{36}$/i.test(importJobId)) throw new Error(`not a uuid: ${importJobId}`);
  return withClient(url, async (db) => {
    const copy = db.query(
      copyTo(
        `COPY (SELECT ${ASSIGNMENT_COLUMNS} FROM client_billable_services WHERE import_job_id = '${importJobId}') TO STDOUT`,
      ),
    );
    await pipeline(copy, createWriteStream(file));
    return copy.rowCount;
  });
}

/** Empties the assignments table, keeping its indexes and foreign keys. */
export async function truncateAssignments(pool: Pool): Promise<void> {
  await pool.query('TRUNCATE client_billable_services');
}

/** Times `COPY ... FROM STDIN` of `file` into client_billable_services; returns seconds and rows. */
export async function timeCopy(url: string, file: string): Promise<{ seconds: number; rows: number }> {
  return withClient(url, async (db) => {
    const started = performance.now();
    const copy = db.query(copyFrom(`COPY client_billable_services (${ASSIGNMENT_COLUMNS}) FROM STDIN`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    return { seconds: (performance.now() - started) / 1000, rows: copy.rowCount };
  });
}

export async function withClient<T>(url: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}
