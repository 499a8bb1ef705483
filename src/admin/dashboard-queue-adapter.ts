import { BullAdapter } from '@bull-board/api/bullAdapter';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { failedDependency, unavailableMessage } from '../common/dependency-errors';

/**
 * The import queue as the dashboard shows it: never a stack trace (they name server paths and
 * code). Workers no longer store any (ImportWorker), and jobs stored before are cleaned here.
 */
export class DashboardQueueAdapter extends BullAdapter {
  override async getJob(id: string): Promise<Job | undefined | null> {
    return withoutStackTrace(await super.getJob(id));
  }

  override async getJobs(...args: Parameters<BullAdapter['getJobs']>): Promise<Job[]> {
    return (await super.getJobs(...args)).map((job) => withoutStackTrace(job));
  }
}

function withoutStackTrace<T extends Job | undefined | null>(job: T): T {
  if (job) job.stacktrace = [];
  return job;
}

const logger = new Logger('QueueDashboard');

/**
 * bull-board's answer when one of its API handlers throws: Redis not answering is a 503 naming it,
 * anything else a 500; both in the service's error shape, never with the error's stack.
 */
export function dashboardErrorResponse(error: Error): { status: number; body: Record<string, unknown> } {
  const dependency = failedDependency(error);
  if (dependency) {
    logger.warn(`Answered 503, ${dependency}: ${error.message}`);
    return {
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: unavailableMessage(dependency) },
    };
  }
  logger.error(error.stack ?? error.message);
  return {
    status: 500,
    body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
  };
}
