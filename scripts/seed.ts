/**
 * Fills the catalog for demos and benchmarks:
 *
 *   npm run seed -- --clients 1000 --services 50
 *
 * creates clients C000001… ("Client 000001") and services S0001… (unit price 10.00), each kind in one
 * set-based INSERT. Codes that already exist (in any letter case) are left alone, so running it again
 * creates only what is missing. Creates the database and applies the migrations when needed.
 */
import '../src/config/load-env';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { ensureDatabase } from '../src/database/ensure-database';

/** The codes have fixed widths: C + 6 digits, S + 4 digits. */
export const MAX_SEED_CLIENTS = 999_999;
export const MAX_SEED_SERVICES = 9_999;

export interface SeedCounts {
  clients: number;
  services: number;
}

export class SeedArgumentError extends Error {}

/** Creates the first `clients` clients and `services` services that do not exist yet; returns how many it created. */
export async function seedCatalog(dataSource: DataSource, counts: SeedCounts): Promise<SeedCounts> {
  assertCount('clients', counts.clients, MAX_SEED_CLIENTS);
  assertCount('services', counts.services, MAX_SEED_SERVICES);
  const [clients] = await dataSource.query<{ created: number }[]>(
    `WITH created AS (
       INSERT INTO clients (code, name)
       SELECT 'C' || lpad(n::text, 6, '0'), 'Client ' || lpad(n::text, 6, '0')
         FROM generate_series(1, $1::int) AS n
       ON CONFLICT (lower(code)) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS created FROM created`,
    [counts.clients],
  );
  const [services] = await dataSource.query<{ created: number }[]>(
    `WITH created AS (
       INSERT INTO billable_services (code, name, unit_price)
       SELECT 'S' || lpad(n::text, 4, '0'), 'Service ' || lpad(n::text, 4, '0'), 10.00
         FROM generate_series(1, $1::int) AS n
       ON CONFLICT (lower(code)) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS created FROM created`,
    [counts.services],
  );
  return { clients: clients.created, services: services.created };
}

const USAGE = 'usage: npm run seed -- --clients N --services M';

/** Parses `--clients N --services M` (also `--clients=N`); at least one is required, a missing one means 0. */
export function parseSeedArgs(argv: string[]): SeedCounts {
  const counts: SeedCounts = { clients: 0, services: 0 };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(clients|services)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new SeedArgumentError(`unknown argument "${argv[i]}"\n${USAGE}`);
    const name = match[1] as keyof SeedCounts;
    const raw = match[2] ?? argv[++i];
    if (seen.has(name)) throw new SeedArgumentError(`--${name} is given twice`);
    seen.add(name);
    const max = name === 'clients' ? MAX_SEED_CLIENTS : MAX_SEED_SERVICES;
    if (raw === undefined || !/^\d+$/.test(raw)) {
      throw new SeedArgumentError(`--${name} needs a whole number from 0 to ${max} (got ${describe(raw)})`);
    }
    counts[name] = Number(raw);
    assertCount(name, counts[name], max);
  }
  if (seen.size === 0) throw new SeedArgumentError(`nothing to seed\n${USAGE}`);
  return counts;
}

function assertCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new SeedArgumentError(`--${name} must be a whole number from 0 to ${max} (got ${value})`);
  }
}

function describe(raw: string | undefined): string {
  return raw === undefined ? 'nothing' : `"${raw}"`;
}

async function main(): Promise<void> {
  const counts = parseSeedArgs(process.argv.slice(2));
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl, 2)).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const created = await seedCatalog(dataSource, counts);
    const existed = counts.clients - created.clients + counts.services - created.services;
    console.log(
      `Seeded ${new URL(config.databaseUrl).pathname.slice(1)}: created ${created.clients} clients and ` +
        `${created.services} services` +
        (existed > 0 ? `; ${existed} of the requested codes already existed.` : '.'),
    );
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof SeedArgumentError || error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}
