import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { IMPORT_QUEUE } from './import-queue.constants';
import { redisConnectionLog } from '../../logging/redis-connection-log';

/**
 * Bull's connections in the process's Redis log (see RedisConnectionLog): they retry with its
 * retryStrategy (QueueModule), Bull re-emits their errors on the queue, and the command connection
 * says when Redis is back.
 */
@Injectable()
export class QueueConnectionLog implements OnModuleInit {
  constructor(
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const connectionLog = redisConnectionLog(this.config.redisUrl);
    this.queue.on('error', (error: Error) => connectionLog.failed(error));
    this.queue.client.on('ready', () => connectionLog.reachable());
  }
}
