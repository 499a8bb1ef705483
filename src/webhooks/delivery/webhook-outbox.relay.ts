import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { PeriodicPass } from '../../common/periodic-pass';
import { AppConfig } from '../../config/app-config';
import {
  DELIVER_WEBHOOK,
  WEBHOOK_QUEUE,
  WebhookJobPayload,
  webhookJobId,
  webhookJobOptions,
} from '../webhook-queue.constants';

/** An event queued this long ago and still Pending is checked against Bull (Redis lost it?). */
const LOST_AFTER_SECONDS = 60;
const BATCH = 100;

/**
 * Moves outbox rows (written with the job's end) into the delivery queue, every WEBHOOK_POLL_MS in
 * every worker. Queue first, then mark: a relay that dies in between leaves the row unmarked and the
 * next pass adds it again, which Bull ignores (the job id is the event id and round). So several
 * workers may relay at once, and a worker killed right after an import ended loses nothing: the row
 * is in PostgreSQL with the job's final status, and any worker delivers it.
 */
@Injectable()
export class WebhookOutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookOutboxRelay.name);
  private readonly schedule = new PeriodicPass(
    () => this.relayOnce(),
    (error) => this.logger.warn(`Webhook relay failed: ${error.message}`),
  );
  private passes = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJobPayload>,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.webhooks.pollMs);
  }

  /** Before Bull closes the queue (its own onModuleDestroy comes after ours): a pass never adds to a closed queue. */
  onModuleDestroy(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass; overlapping calls share the pass in progress. */
  relay(): Promise<void> {
    return this.schedule.run();
  }

  private async relayOnce(): Promise<void> {
    const rows: WebhookJobPayload[] = await this.db.query(
      `SELECT id AS "eventId", round FROM webhook_events WHERE enqueued_at IS NULL ORDER BY created_at LIMIT $1`,
      [BATCH],
    );
    for (const payload of rows) {
      await this.queue.add(DELIVER_WEBHOOK, payload, webhookJobOptions(payload, this.config.webhooks));
      await this.db.query(
        `UPDATE webhook_events SET enqueued_at = now() WHERE id = $1 AND round = $2 AND enqueued_at IS NULL`,
        [payload.eventId, payload.round],
      );
    }
    // About once a minute: events queued but unknown to Bull (Redis flushed or replaced) go again.
    if (++this.passes * this.config.webhooks.pollMs >= LOST_AFTER_SECONDS * 1000) {
      this.passes = 0;
      await this.requeueLost();
    }
  }

  private async requeueLost(): Promise<void> {
    const rows: WebhookJobPayload[] = await this.db.query(
      `SELECT id AS "eventId", round FROM webhook_events
        WHERE status = 'Pending' AND enqueued_at < now() - make_interval(secs => $1)
        ORDER BY enqueued_at LIMIT $2`,
      [LOST_AFTER_SECONDS, BATCH],
    );
    for (const payload of rows) {
      if (await this.queue.getJob(webhookJobId(payload))) continue;
      await this.queue.add(DELIVER_WEBHOOK, payload, webhookJobOptions(payload, this.config.webhooks));
      this.logger.warn(
        `Webhook event ${payload.eventId} was queued but unknown to the queue; queued it again`,
      );
    }
  }
}
