import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ImportModule } from './import/import.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './import/queue/queue.module';
import { ImportWorkerModule } from './import/worker/import-worker.module';
import { StorageModule } from './storage/storage.module';
import { WebhookDeliveryModule } from './webhooks/delivery/webhook-delivery.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * Wires the feature modules. APP_ROLE decides whether this process runs imports: ImportWorkerModule
 * (processor, engine, sweeper) and WebhookDeliveryModule (relay, delivery processor) are imported
 * for worker and all only.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        MetricsModule,
        AuthModule,
        DatabaseModule,
        QueueModule,
        StorageModule,
        ClientsModule,
        ImportModule,
        WebhooksModule,
        ...(config.role === 'api' ? [] : [ImportWorkerModule, WebhookDeliveryModule]),
        HealthModule,
      ],
    };
  }
}
