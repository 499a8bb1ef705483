import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ClientsModule } from '../clients/clients.module';
import { StorageModule } from '../storage/storage.module';
import { ImportAdmission } from './admission/import-admission.service';
import { ImportEventsController } from './events/import-events.controller';
import { ImportEventsPublisher } from './events/import-events.publisher';
import { ImportEventsService } from './events/import-events.service';
import { ImportEventsSubscriber } from './events/import-events.subscriber';
import { ImportMetrics } from './job/import-metrics';
import { QueueMetrics } from './queue/queue-metrics';
import { ImportJobStateService } from './job/import-job-state.service';
import { ImportController } from './import.controller';
import { ImportService } from './import.service';
import { QueueModule } from './queue/queue.module';
import { ImportQueueProducer } from './queue/import-queue.producer';
import { DerivedImportsController } from './derive/derived-imports.controller';
import { ImportCommitService } from './derive/import-commit.service';
import { ImportRetryService } from './derive/import-retry.service';
import { ImportRevertService } from './revert/import-revert.service';
import { ImportChangesController } from './changes/import-changes.controller';
import { ImportChangesService } from './changes/import-changes.service';
import { ImportRowsController } from './rows/import-rows.controller';
import { ImportRowsService } from './rows/import-rows.service';
import { ServiceImportJob } from './job/service-import-job.entity';
import { CsvUploadStorage } from './upload/csv-upload.storage';
import { UploadModule } from './upload/upload.module';
import { UploadRateLimitModule } from './upload/upload-rate-limit.module';

/**
 * The HTTP side of imports (uploads, jobs, rows, events), the job state and the queue producer, in
 * every process. The worker-only code is ImportWorkerModule (worker/), which AppModule adds for
 * APP_ROLE worker and all.
 */
@Module({
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
  controllers: [
    ImportController,
    DerivedImportsController,
    ImportEventsController,
    ImportRowsController,
    ImportChangesController,
  ],
  providers: [
    ImportService,
    ImportAdmission,
    ImportJobStateService,
    ImportQueueProducer,
    ImportMetrics,
    QueueMetrics,
    ImportEventsPublisher,
    ImportEventsSubscriber,
    ImportEventsService,
    ImportRowsService,
    ImportChangesService,
    ImportCommitService,
    ImportRetryService,
    ImportRevertService,
  ],
  exports: [ImportService, ImportQueueProducer, ImportJobStateService, ImportEventsPublisher, ImportMetrics],
})
export class ImportModule {}
