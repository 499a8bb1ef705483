import { DynamicModule, Module, Provider } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ClientsModule } from '../clients/clients.module';
import { StorageModule } from '../storage/storage.module';
import { BatchWriter } from './worker/engine/batch-writer';
import { ImportAdmission } from './admission/import-admission.service';
import { ImportEngine } from './worker/engine/import-engine';
import { ParseWorkerPool } from './worker/parse/parse-worker-pool';
import { ReportWriter } from './worker/engine/report-writer';
import { ImportEventsController } from './events/import-events.controller';
import { ImportEventsPublisher } from './events/import-events.publisher';
import { ImportEventsService } from './events/import-events.service';
import { ImportEventsSubscriber } from './events/import-events.subscriber';
import { ImportJobStateService } from './job/import-job-state.service';
import { ImportController } from './import.controller';
import { ImportService } from './import.service';
import { ImportSweeper } from './worker/import.sweeper';
import { QueueModule } from './queue/queue.module';
import { ImportQueueProducer } from './queue/import-queue.producer';
import { ImportProcessor } from './worker/import.processor';
import { ImportWorker } from './worker/import.worker';
import { ImportRowsController } from './rows/import-rows.controller';
import { ImportRowsService } from './rows/import-rows.service';
import { ServiceImportJob } from './job/service-import-job.entity';
import { CsvUploadStorage } from './upload/csv-upload.storage';
import { UploadModule } from './upload/upload.module';
import { UploadRateLimitModule } from './upload/upload-rate-limit.module';

@Module({})
export class ImportModule {
  /** `runProcessors` is false in APP_ROLE=api processes: they take uploads but run no imports. */
  static register(options: { runProcessors: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.runProcessors
      ? [ImportProcessor, ImportWorker, ImportSweeper]
      : [];
    return {
      module: ImportModule,
      imports: [
        TypeOrmModule.forFeature([ServiceImportJob]),
        QueueModule,
        ClientsModule,
        StorageModule,
        UploadRateLimitModule,
        MulterModule.registerAsync({
          imports: [UploadModule],
          inject: [AppConfig, CsvUploadStorage],
          useFactory: (config: AppConfig, storage: CsvUploadStorage) => ({
            storage,
            // Browsers and curl send a file name as raw UTF-8, not latin1 (busboy's default).
            defParamCharset: 'utf8',
            limits: {
              files: 1,
              fileSize: config.import.maxFileBytes,
              fields: 10,
              fieldSize: 1024,
              parts: 12,
              headerPairs: 50,
            },
          }),
        }),
      ],
      controllers: [ImportController, ImportEventsController, ImportRowsController],
      providers: [
        ImportService,
        ImportAdmission,
        ImportJobStateService,
        ImportQueueProducer,
        ImportEngine,
        ParseWorkerPool,
        BatchWriter,
        ReportWriter,
        ImportEventsPublisher,
        ImportEventsSubscriber,
        ImportEventsService,
        ImportRowsService,
        ...workerProviders,
      ],
      exports: [ImportQueueProducer],
    };
  }
}
