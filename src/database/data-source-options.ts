import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { BillableService } from '../clients/billable-service.entity';
import { ClientBillableService } from '../clients/client-billable-service.entity';
import { Client } from '../clients/client.entity';
import { ServiceImportJob } from '../import/service-import-job.entity';
import { ServiceImportRow } from '../import/service-import-row.entity';

export const ENTITIES = [Client, BillableService, ClientBillableService, ServiceImportJob, ServiceImportRow];

/** One definition of how we reach PostgreSQL, shared by the app and the TypeORM CLI (ormconfig.ts). */
export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
