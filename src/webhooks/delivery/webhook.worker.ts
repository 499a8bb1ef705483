import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DELIVER_WEBHOOK, WEBHOOK_QUEUE, WebhookJobPayload } from '../webhook-queue.constants';
import { DeliveryAttemptFailed, WebhookDeliverer } from './webhook-deliverer';

/** Deliveries one worker process makes at once: each mostly waits on a remote endpoint. */
export const WEBHOOK_CONCURRENCY = 8;

/**
 * Attaches WebhookDeliverer to the webhook queue in worker processes. A failed attempt is thrown
 * (without its stack: Bull keeps it in Redis) so that Bull retries it with the exponential backoff
 * of webhookJobOptions; a worker killed mid-attempt leaves a stalled job that Bull runs again.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookWorker.name);

  constructor(
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJobPayload>,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(DELIVER_WEBHOOK, WEBHOOK_CONCURRENCY, (job: Job<WebhookJobPayload>) =>
      this.deliverer.attempt(job.data.eventId, job.data.round, job.attemptsMade).catch((error: Error) => {
        if (!(error instanceof DeliveryAttemptFailed)) {
          this.logger.warn(`Webhook event ${job.data.eventId}: ${error.message}`);
        }
        error.stack = '';
        throw error;
      }),
    );
    this.queue.on('error', (error) => this.logger.warn(`Webhook queue error: ${error.message}`));
  }

  /** Stops taking deliveries; Bull waits for the attempts running (each bounded by WEBHOOK_TIMEOUT_MS). */
  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}
