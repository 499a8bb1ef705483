import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { redisConnectionLog } from '../../logging/redis-connection-log';
import { IMPORT_QUEUE } from './import-queue.constants';
import { QueueCommandTimeout } from './queue-command-timeout';
import { QueueConnectionLog } from './queue-connection-log';
import { bullSettings } from './bull-settings';

/** The Bull connection shared by every queue (one Redis, one key prefix: QUEUE_PREFIX) and the queues. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redisUrl,
        prefix: config.queuePrefix,
        settings: bullSettings(config),
        redis: {
          // Keep retrying while Redis is away instead of failing commands; Bull recovers by itself.
          maxRetriesPerRequest: null,
          enableReadyCheck: false,
          // Backoff to 2 s, one warn line per step (not one per attempt and connection).
          retryStrategy: redisConnectionLog(config.redisUrl).retryStrategy,
        },
      }),
    }),
    BullModule.registerQueue({ name: IMPORT_QUEUE }),
  ],
  providers: [QueueCommandTimeout, QueueConnectionLog],
  exports: [BullModule],
})
export class QueueModule {}
