import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { ensureDatabase } from './ensure-database';
import { runMigrations } from './run-migrations';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await ensureDatabase(config.databaseUrl);
        await runMigrations(config.databaseUrl);
        return dataSourceOptions(
          config.databaseUrl,
          config.databasePoolSize,
          config.databaseStatementTimeoutMs,
        );
      },
    }),
  ],
})
export class DatabaseModule {}
