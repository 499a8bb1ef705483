import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ImportService } from '../../import/import.service';
import { nextRetryDelayMs } from '../webhook-queue.constants';
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, signatureHeader } from '../webhook-signature';
import { RefusedTargetError, resolveTarget } from '../webhook-target';
import { PostOutcome, postJson } from './webhook-post';

interface EventRow {
  id: string;
  type: string;
  jobId: string;
  createdAt: Date;
  webhookId: string;
  url: string;
  secrets: string[];
  attempts: number;
}

export type DeliveryResult = 'delivered' | 'failed' | 'retry' | 'stale';

/** A failed attempt with attempts left: thrown so that Bull retries it after its backoff. */
export class DeliveryAttemptFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryAttemptFailed';
  }
}

/**
 * One attempt to deliver one event: `{id, type, created, data}` where data is the job's DTO as it is
 * now (with a freshly signed report link), signed at the time of sending, to the address the URL
 * resolves to now (checked again: an endpoint registered on a public address may point elsewhere
 * since). The attempt is recorded whatever happens; the event becomes Delivered on a 2xx, Failed
 * after its last attempt.
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly imports: ImportService,
    private readonly config: AppConfig,
  ) {}

  /** `attemptsMade`: Bull's count of failed attempts of this round so far. */
  async attempt(eventId: string, round: number, attemptsMade: number): Promise<DeliveryResult> {
    const event = await this.load(eventId, round);
    if (!event) return 'stale'; // delivered or failed already, redelivered since, or its webhook deleted
    const data = await this.imports.dtoById(event.jobId);
    if (!data) return 'stale';
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      created: Math.floor(event.createdAt.getTime() / 1000),
      data,
    });
    const outcome = await this.send(event, body);
    const ok = outcome.error === null;
    const last = attemptsMade + 1 >= this.config.webhooks.attempts;
    const retryInMs = ok || last ? null : nextRetryDelayMs(attemptsMade + 1, this.config.webhooks);
    await this.record(event, round, outcome, ok ? 'Delivered' : last ? 'Failed' : null, retryInMs);
    if (ok) return 'delivered';
    if (last) return 'failed';
    throw new DeliveryAttemptFailed(outcome.error!);
  }

  private async send(event: EventRow, body: string): Promise<PostOutcome> {
    const started = Date.now();
    try {
      const target = await resolveTarget(event.url, this.config.webhooks);
      const headers = {
        'Content-Type': 'application/json',
        'User-Agent': 'service-import-webhooks/1',
        [WEBHOOK_ID_HEADER]: event.id,
        [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(body, event.secrets, Math.floor(Date.now() / 1000)),
      };
      return await postJson(target, body, headers, this.config.webhooks.timeoutMs);
    } catch (error) {
      const message =
        error instanceof RefusedTargetError ? `refused: ${error.message}` : (error as Error).message;
      return { statusCode: null, durationMs: Date.now() - started, error: message, responseBody: null };
    }
  }

  private async load(eventId: string, round: number): Promise<EventRow | null> {
    const [row] = await this.db.query<EventRow[]>(
      `SELECT e.id, e.type, e.job_id AS "jobId", e.created_at AS "createdAt", e.attempts,
              w.id AS "webhookId", w.url,
              array_remove(ARRAY[w.secret,
                CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END], NULL) AS secrets
         FROM webhook_events e JOIN webhooks w ON w.id = e.webhook_id
        WHERE e.id = $1 AND e.round = $2 AND e.status = 'Pending'`,
      [eventId, round],
    );
    return row ?? null;
  }

  /** The attempt's row and the event's new state, together; a redelivery asked meanwhile wins. */
  private async record(
    event: EventRow,
    round: number,
    outcome: PostOutcome,
    status: 'Delivered' | 'Failed' | null,
    retryInMs: number | null,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO webhook_deliveries
           (event_id, webhook_id, attempt, url, status_code, duration_ms, error, response_body, next_retry_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 CASE WHEN $9::bigint IS NULL THEN NULL ELSE now() + make_interval(secs => $9::bigint / 1000.0) END)`,
        [
          event.id,
          event.webhookId,
          event.attempts + 1,
          event.url,
          outcome.statusCode,
          outcome.durationMs,
          outcome.error,
          outcome.responseBody,
          retryInMs,
        ],
      );
      await m.query(
        `UPDATE webhook_events SET attempts = attempts + 1, status = coalesce($3, status),
                delivered_at = CASE WHEN $3 = 'Delivered' THEN now() ELSE delivered_at END
          WHERE id = $1 AND round = $2`,
        [event.id, round, status],
      );
    });
  }
}
