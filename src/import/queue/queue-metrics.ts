import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge, Registry } from 'prom-client';
import { withTimeout } from '../../common/with-timeout';
import { IMPORT_QUEUE } from './import-queue.constants';

const STATES = ['waiting', 'active', 'delayed', 'paused', 'failed', 'completed'] as const;

/**
 * Queue depth, read from Bull (Redis) at scrape time, so it is the same in every process: aggregate
 * it with max(), not sum(). When Redis does not answer within 2 s the scrape still succeeds and the
 * gauge is left out, rather than showing a stale or zero depth.
 */
@Injectable()
export class QueueMetrics {
  constructor(registry: Registry, @InjectQueue(IMPORT_QUEUE) queue: Queue) {
    new Gauge({
      name: 'service_import_queue_jobs',
      help: 'Jobs in the Bull queue, by state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        // Bull 4 counts paused jobs too, though its JobCounts type omits them.
        const counts = (await withTimeout(queue.getJobCounts(), 2000, 'Redis did not answer').catch(
          () => null,
        )) as Partial<Record<(typeof STATES)[number], number>> | null;
        if (!counts) return;
        for (const state of STATES) this.set({ queue: IMPORT_QUEUE, state }, counts[state] ?? 0);
      },
    });
  }
}
