import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../../clients/clients.module';
import { StorageModule } from '../../storage/storage.module';
import { ImportModule } from '../import.module';
import { ServiceImportJob } from '../job/service-import-job.entity';
import { QueueModule } from '../queue/queue.module';
import { BatchWriter } from './engine/batch-writer';
import { ImportEngine } from './engine/import-engine';
import { ReportWriter } from './engine/report-writer';
import { RevertEngine } from './engine/revert-engine';
import { ImportProcessor } from './import.processor';
import { ImportSweeper } from './import.sweeper';
import { ImportWorker } from './import.worker';
import { ParseWorkerPool } from './parse/parse-worker-pool';

/**
 * What only a worker process runs: the Bull processor, the engine with its parse and report threads,
 * and the sweeper. AppModule imports this module only when APP_ROLE is worker or all; an API process
 * takes uploads and serves reads without any of it. Status changes still go through Import's
 * ImportJobStateService.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ServiceImportJob]),
    ImportModule,
    QueueModule,
    ClientsModule,
    StorageModule,
  ],
  providers: [
    ImportProcessor,
    ImportWorker,
    ImportSweeper,
    ImportEngine,
    RevertEngine,
    ParseWorkerPool,
    BatchWriter,
    ReportWriter,
  ],
})
export class ImportWorkerModule {}
