import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { BillableService } from '../clients/billable-service.entity';
import { ClientBillableService } from '../clients/client-billable-service.entity';
import { Client } from '../clients/client.entity';
import { ServiceImportJob } from '../import/job/service-import-job.entity';
import { BoundedPgClient } from './bounded-pg-client';

export const ENTITIES = [Client, BillableService, ClientBillableService, ServiceImportJob];

/** How long the client waits past the server's statement_timeout before it gives up on the server. */
export const CLIENT_GRACE_MS = 500;

/**
 * One definition of how we reach PostgreSQL, shared by the app and the TypeORM CLI (ormconfig.ts).
 * With `statementTimeoutMs` (the app's shared pool) every call is bounded: PostgreSQL ends a
 * statement running longer (a lock wait included), and the client gives up CLIENT_GRACE_MS later on a
 * server that does not answer at all (destroying that connection, see BoundedPgClient), as it does
 * on a connection or a pool slot that takes longer. Without it (migrations, the CLI) nothing is cut.
 */
export function dataSourceOptions(
  databaseUrl: string,
  poolSize = 10,
  statementTimeoutMs?: number,
): DataSourceOptions {
  const bounded =
    statementTimeoutMs === undefined
      ? { connectionTimeoutMillis: 5000 }
      : {
          Client: BoundedPgClient,
          statement_timeout: statementTimeoutMs,
          query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
          connectionTimeoutMillis: statementTimeoutMs + CLIENT_GRACE_MS,
        };
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, ...bounded },
  };
}
