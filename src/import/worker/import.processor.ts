import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job } from 'bull';
import { Repository } from 'typeorm';
import { jobLog } from '../../logging/job-log';
import { ImportEngine } from './engine/import-engine';
import { RevertEngine } from './engine/revert-engine';
import { AppConfig } from '../../config/app-config';
import { ImportJobStateService, Lease } from '../job/import-job-state.service';
import { ServiceImportJob } from '../job/service-import-job.entity';
import { ImportJobPayload } from '../queue/import-queue.constants';

/** Thrown so that Bull re-queues the job: this process is shutting down mid-import. */
export class AbandonedForShutdownError extends Error {
  constructor() {
    super('The worker shut down during the import; it resumes from its last batch on another worker.');
    this.name = 'AbandonedForShutdownError';
  }
}

/**
 * A hand-back at shutdown is not an attempt. Bull (Job.moveToFailed) counts every throw: it adds one
 * to attemptsMade and, with attempts left, waits the backoff. Undo both on this delivery's Job before
 * throwing: attemptsMade is written back unchanged and, with no backoff, Bull moves the job from
 * active straight to waiting (retryJob) in the same MULTI that drops our lock. The job is never
 * without a live Bull state (the sweeper leaves it alone) and the stalled checker has nothing to
 * find. Only real failures and crashes use attempts.
 */
function handBack(job: Job<ImportJobPayload>): AbandonedForShutdownError {
  job.attemptsMade -= 1;
  job.opts = { ...job.opts, backoff: undefined };
  return new AbandonedForShutdownError();
}

/**
 * Runs one delivery of an import job: takes the lease, runs the engine from the checkpoint, and
 * records the outcome. Bull may deliver a job more than once (crash, lost lock); every delivery
 * resumes where the last committed batch left off, and a stale one cannot write.
 */
@Injectable()
export class ImportProcessor {
  private readonly logger = new Logger(ImportProcessor.name);

  constructor(
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly state: ImportJobStateService,
    private readonly engine: ImportEngine,
    private readonly reverter: RevertEngine,
    private readonly config: AppConfig,
  ) {}

  async handle(job: Job<ImportJobPayload>): Promise<string> {
    const { importId } = job.data;
    const lease = await this.state.acquire(importId);
    if (!lease) return 'not-runnable'; // cancelled, finished or deleted meanwhile
    try {
      return await this.deliver(job, lease);
    } finally {
      // Whatever the outcome, this process lived to see it: not a death (a thrown error is Bull's attempt).
      await this.state.endDelivery(importId, lease.lease).catch(() => undefined);
    }
  }

  private async deliver(job: Job<ImportJobPayload>, lease: Lease): Promise<string> {
    const { importId } = job.data;
    if (lease.workerDeaths >= this.config.import.attempts) {
      const reason = workerDeathsReason(lease);
      if (await this.state.fail(importId, reason, lease.lease)) {
        this.logger.error(jobLog(await this.codeOf(importId), `Failed: ${reason}`));
      }
      return 'failed';
    }
    const row = await this.jobs.findOneByOrFail({ id: importId });
    const started = Date.now();
    this.logger.log(
      jobLog(row.code, `Run ${lease.lease} starts at row ${lease.checkpoint + 1}`, { run: lease.lease }),
    );

    const outcome =
      row.kind === 'revert' ? await this.reverter.run(row, lease) : await this.engine.run(row, lease);
    switch (outcome.kind) {
      case 'completed':
        this.logger.log(
          jobLog(row.code, `Completed in ${Date.now() - started} ms`, { durationMs: Date.now() - started }),
        );
        return 'completed';
      case 'failed':
        await this.state.fail(importId, outcome.reason, lease.lease);
        this.logger.warn(jobLog(row.code, `Failed: ${outcome.reason}`));
        return 'failed';
      case 'stopped':
        this.logger.log(jobLog(row.code, `Stopped (${outcome.why})`));
        return outcome.why;
      case 'abandoned':
        this.logger.log(
          jobLog(
            row.code,
            'Run handed back to the queue (shutdown); it resumes from its last committed batch',
          ),
        );
        throw handBack(job);
    }
  }

  /** One delivery threw; Bull retries it after a backoff. */
  async onAttemptFailed(job: Job<ImportJobPayload>, error: Error): Promise<void> {
    const code = await this.codeOf(job.data.importId);
    this.logger.warn(
      jobLog(code, `Attempt ${job.attemptsMade} failed: ${error.message}`, { attempt: job.attemptsMade }),
    );
  }

  /** Bull gave up (attempts exhausted): the import ends Failed with the last error, never stuck. */
  async onFinalFailure(job: Job<ImportJobPayload>, error: Error): Promise<void> {
    const reason =
      `The import could not be completed after ${job.attemptsMade} attempts; last error: ${error.message}. ` +
      'Rows already imported stay; upload the file again to import the rest.';
    if (await this.state.fail(job.data.importId, reason)) {
      this.logger.error(jobLog(await this.codeOf(job.data.importId), reason));
    }
  }

  /** The code users know the import by, for logs; the id when the row cannot be read. */
  private async codeOf(importId: string): Promise<string> {
    const row = await this.jobs
      .findOne({ where: { id: importId }, select: { id: true, code: true } })
      .catch(() => null);
    return row?.code ?? importId;
  }
}

/** Why an import whose worker keeps dying ends: poison for this fleet, so it must not be taken again. */
export function workerDeathsReason(lease: Pick<Lease, 'workerDeaths' | 'lastPhase'>): string {
  return (
    `The import's worker died ${lease.workerDeaths} times while running it (last in phase ${lease.lastPhase}) ` +
    'without committing a batch in between, so it was not run again: the file may need more memory than a ' +
    "worker has, or something in it crashes the worker (see the worker's logs). Rows already imported stay; " +
    'split the file or upload it again once the cause is fixed.'
  );
}
