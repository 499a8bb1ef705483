import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Any constant shared by all processes of the service; names the advisory lock below. */
const MIGRATION_LOCK_KEY = 7_340_001;

/**
 * Applies pending migrations at start-up under a PostgreSQL advisory lock, so that several API and
 * worker processes starting at once do not race to create the same tables.
 */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const dataSource = new DataSource({
    ...dataSourceOptions(databaseUrl, 2),
    migrationsTransactionMode: 'each',
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
