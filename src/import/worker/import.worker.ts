import { InjectQueue } from '@nestjs/bull';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { ImportEngine } from './engine/import-engine';
import { RevertEngine } from './engine/revert-engine';
import { ParseWorkerPool } from './parse/parse-worker-pool';
import { IMPORT_QUEUE, ImportJobPayload, PROCESS_IMPORT } from '../queue/import-queue.constants';
import { AbandonedForShutdownError, ImportProcessor } from './import.processor';
import { touchWorkerHeartbeat } from './worker-heartbeat';

/**
 * Attaches ImportProcessor to the queue in processes that run workers (APP_ROLE worker or all).
 * Registered by hand rather than with @Process because the concurrency (IMPORT_CONCURRENCY) is
 * configuration, and a decorator's options are fixed when the class is defined.
 */
@Injectable()
export class ImportWorker
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ImportWorker.name);
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue<ImportJobPayload>,
    private readonly processor: ImportProcessor,
    private readonly engine: ImportEngine,
    private readonly reverter: RevertEngine,
    private readonly parsers: ParseWorkerPool,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(PROCESS_IMPORT, this.config.import.concurrency, (job) =>
      this.processor.handle(job).catch((error: unknown) => {
        throw this.withoutStack(error);
      }),
    );
    this.queue.on('failed', (job: Job<ImportJobPayload>, error: Error) => {
      if (error instanceof AbandonedForShutdownError) return; // a hand-back, not an attempt: logged already
      const attempts = job.opts.attempts ?? 1;
      const handled =
        job.attemptsMade >= attempts
          ? this.processor.onFinalFailure(job, error)
          : this.processor.onAttemptFailed(job, error);
      // A failure to record the failure (database away, a job that names no import) must not become
      // an unhandled rejection; the sweeper ends such an import later.
      handled.catch((failure: Error) =>
        this.logger.warn(`Could not record the failure of queue job ${job.id}: ${failure.message}`),
      );
    });
    this.queue.on('error', (error) => this.logger.warn(`Queue error: ${error.message}`));
    this.heartbeat = setInterval(() => {
      if (this.queue.client.status === 'ready') touchWorkerHeartbeat();
    }, 10_000);
    this.heartbeat.unref();
    touchWorkerHeartbeat();
    this.parsers.warmUp().catch((error: Error) => this.logger.warn(`Parse thread: ${error.message}`));
    this.logger.log(`Processing imports with concurrency ${this.config.import.concurrency}`);
  }

  /**
   * Bull keeps the stack of every failed attempt in Redis, where the queue dashboard shows it (server
   * paths, code): it is logged here instead, and Bull gets the error with its message only.
   */
  private withoutStack(error: unknown): Error {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (failure.stack) this.logger.debug(failure.stack);
    failure.stack = '';
    return failure;
  }

  /**
   * SIGTERM, first step (before any module closes its connections): running imports stop at their
   * next batch boundary and hand the job back to the queue; then the queue stops taking jobs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.logger.log(
      'Shutting down: running imports stop at their next batch and are handed back to the queue',
    );
    this.engine.stopAtNextBatch();
    this.reverter.stopAtNextBatch();
    await this.queue.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.logger.log('Worker stopped cleanly');
  }
}
