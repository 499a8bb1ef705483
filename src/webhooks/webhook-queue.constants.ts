import type { JobOptions } from 'bull';
import type { WebhookConfig } from '../config/app-config';

export const WEBHOOK_QUEUE = 'webhook-deliveries';
export const DELIVER_WEBHOOK = 'deliver-webhook';

/** What a Bull job carries: the outbox row and its round (a redelivery is the next round). */
export interface WebhookJobPayload {
  eventId: string;
  round: number;
}

/**
 * One round of deliveries of an event. The Bull job id is the event id and round, so enqueueing the
 * same row twice (two workers' relays, or a relay that died before marking it) is a no-op; a
 * redelivery is a new round and so a new job. Bull's exponential backoff waits (2^n - 1) x D after
 * the n-th failed attempt: with the defaults (13 attempts, D = 10 s) the last about 23 h after the
 * first. Finished jobs are kept a while, so a late duplicate enqueue still finds its job.
 */
export function webhookJobOptions(payload: WebhookJobPayload, config: WebhookConfig): JobOptions {
  return {
    jobId: webhookJobId(payload),
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: config.backoffMs },
    removeOnComplete: 5000,
    removeOnFail: 5000,
  };
}

export function webhookJobId({ eventId, round }: WebhookJobPayload): string {
  return `${eventId}-r${round}`;
}

/** When the retry after the `failedAttempts`-th failed attempt is due (Bull's exponential formula). */
export function nextRetryDelayMs(failedAttempts: number, config: WebhookConfig): number {
  return Math.round((2 ** failedAttempts - 1) * config.backoffMs);
}
