import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { IMPORT_QUEUE } from '../import/queue/import-queue.constants';

/** Pings Redis through the import queue's own client, i.e. the connection the service really uses. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue,
  ) {}

  async isHealthy(key: string) {
    const check = this.indicator.check(key);
    try {
      await withTimeout(this.queue.client.ping(), 2000);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
