import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { redisConnectionLog } from '../../logging/redis-connection-log';
import { importEventsChannel } from './import-events.channel';

/**
 * Tells every process that an import changed (a batch committed, a status or phase moved), through
 * Redis pub/sub. Fire and forget: a lost notification only delays an event stream until its next
 * periodic check, so publishing never slows down or fails an import.
 */
@Injectable()
export class ImportEventsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ImportEventsPublisher.name);
  private readonly channel: string;
  private redis: Redis | null = null;
  private closed = false;
  private warned = false;

  constructor(private readonly config: AppConfig) {
    this.channel = importEventsChannel(config.queuePrefix);
  }

  changed(importId: string): void {
    if (this.closed) return;
    this.connection()
      .publish(this.channel, importId)
      .then(
        () => (this.warned = false),
        (error: Error) => {
          if (!this.warned) this.logger.warn(`Could not publish an import event: ${error.message}`);
          this.warned = true;
        },
      );
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const redis = this.redis;
    this.redis = null;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }

  /** Opened on first use: a process that never publishes holds no connection. */
  private connection(): Redis {
    if (!this.redis) {
      const connectionLog = redisConnectionLog(this.config.redisUrl);
      this.redis = new Redis(this.config.redisUrl, {
        maxRetriesPerRequest: 1,
        // A Redis that does not answer must not pile up one pending publish per batch.
        commandTimeout: this.config.redisCommandTimeoutMs,
        enableReadyCheck: false,
        retryStrategy: connectionLog.retryStrategy,
      });
      connectionLog.watch(this.redis);
    }
    return this.redis;
  }
}
