import { InjectQueue } from '@nestjs/bull';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { IMPORT_QUEUE } from './import-queue.constants';

/**
 * Bounds every command of the queue's command connection (adding and removing jobs, the dashboard's
 * and the metrics' reads, lock renewals) by REDIS_COMMAND_TIMEOUT_MS: a Redis that accepts
 * connections but no longer answers then fails a request within seconds instead of holding it.
 *
 * Set on that one connection after Bull opened it, rather than in the options Bull gives all three:
 * its blocking connection waits in BRPOPLPUSH up to 5 s on purpose, and its subscriber connection
 * only listens. ioredis reads `commandTimeout` when each command is sent.
 */
@Injectable()
export class QueueCommandTimeout implements OnModuleInit {
  constructor(
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.queue.client.options.commandTimeout = this.config.redisCommandTimeoutMs;
  }
}
