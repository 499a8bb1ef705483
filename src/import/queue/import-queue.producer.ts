import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { withTimeout } from '../../common/with-timeout';
import { IMPORT_QUEUE, ImportJobPayload, PROCESS_IMPORT, importJobOptions } from './import-queue.constants';

/** The only code that adds import jobs to Bull. */
@Injectable()
export class ImportQueueProducer {
  constructor(
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue<ImportJobPayload>,
    private readonly config: AppConfig,
  ) {}

  async enqueue(importId: string): Promise<void> {
    // Each command is bounded (QueueCommandTimeout); this also bounds Bull's own wait for the connection.
    await withTimeout(
      this.queue.add(PROCESS_IMPORT, { importId }, importJobOptions(importId, this.config.import.attempts)),
      this.config.redisCommandTimeoutMs + 1000,
      'the queue (Redis) did not accept the job',
    );
  }

  /** Whether Bull still knows the import (waiting, active, delayed); used by the sweeper. */
  async state(importId: string): Promise<string | null> {
    const job = await this.queue.getJob(importId);
    return job ? await job.getState() : null;
  }

  async remove(importId: string): Promise<void> {
    const job = await this.queue.getJob(importId);
    if (job) await job.remove().catch(() => undefined);
  }
}
