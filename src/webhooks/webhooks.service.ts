import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { InvalidInputError, NotFoundError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { WebhookDeliveryDto, WebhookDeliveryPageDto } from './dto/webhook-delivery.dto';
import { WebhookDto, WebhookWithSecretDto } from './dto/webhook.dto';
import { newWebhookSecret } from './webhook-signature';
import { RefusedTargetError, resolveTarget } from './webhook-target';

/** How long the secret a rotation replaced still signs deliveries, beside the new one. */
export const PREVIOUS_SECRET_VALID_HOURS = 24;

const WEBHOOK_COLUMNS = `id, url, events, created_at AS "createdAt",
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS "previousSecretExpiresAt"`;

interface WebhookRow {
  id: string;
  url: string;
  events: WebhookDto['events'];
  createdAt: Date;
  previousSecretExpiresAt: Date | null;
  secret?: string;
}

type DeliveryRow = Omit<WebhookDeliveryDto, 'nextRetryDate' | 'createdDate'> & {
  nextRetryAt: Date | null;
  createdAt: Date;
};

/**
 * Registered endpoints of the calling API key. As with imports, another key's webhook does not
 * exist as far as the caller can tell (404), and so do malformed ids.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async create(body: CreateWebhookDto, principal: Principal): Promise<WebhookWithSecretDto> {
    try {
      await resolveTarget(body.url, this.config.webhooks);
    } catch (error) {
      if (error instanceof RefusedTargetError) throw new InvalidInputError(error.message);
      throw error;
    }
    const [row] = await this.db.query<WebhookRow[]>(
      `INSERT INTO webhooks (owner, url, events, secret) VALUES ($1, $2, $3, $4)
       RETURNING ${WEBHOOK_COLUMNS}, secret`,
      [principal, body.url, body.events, newWebhookSecret()],
    );
    return { ...toDto(row), secret: row.secret! };
  }

  async list(principal: Principal): Promise<WebhookDto[]> {
    const rows = await this.db.query<WebhookRow[]>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE ${owned(principal, 1)} ORDER BY created_at, id`,
      principal === null ? [] : [principal],
    );
    return rows.map(toDto);
  }

  async get(id: string, principal: Principal): Promise<WebhookDto> {
    return toDto(await this.find(id, principal));
  }

  async remove(id: string, principal: Principal): Promise<void> {
    await this.find(id, principal);
    await this.db.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
  }

  /** A new secret; the one it replaces signs beside it for PREVIOUS_SECRET_VALID_HOURS. */
  async rotateSecret(id: string, principal: Principal): Promise<WebhookWithSecretDto> {
    await this.find(id, principal);
    const result: unknown = await this.db.query(
      `UPDATE webhooks SET previous_secret = secret, secret = $2,
              previous_secret_expires_at = now() + make_interval(hours => $3)
        WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}, secret`,
      [id, newWebhookSecret(), PREVIOUS_SECRET_VALID_HOURS],
    );
    const [row] = (result as [WebhookRow[], number])[0];
    if (!row) throw new NotFoundError(`No webhook with id "${id}".`);
    return { ...toDto(row), secret: row.secret! };
  }

  async deliveries(
    id: string,
    principal: Principal,
    page: { page: number; limit: number },
  ): Promise<WebhookDeliveryPageDto> {
    await this.find(id, principal);
    const [{ total }] = await this.db.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM webhook_deliveries WHERE webhook_id = $1`,
      [id],
    );
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT d.id, d.event_id AS "eventId", e.type, j.code AS "importCode", d.attempt,
              d.status_code AS "statusCode", d.duration_ms AS "durationMs", d.error,
              d.response_body AS "responseBody", d.next_retry_at AS "nextRetryAt",
              e.status AS "eventStatus", d.created_at AS "createdAt"
         FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
         JOIN service_import_jobs j ON j.id = e.job_id
        WHERE d.webhook_id = $1
        ORDER BY d.created_at DESC, d.attempt DESC
        LIMIT $2 OFFSET $3`,
      [id, page.limit, (page.page - 1) * page.limit],
    );
    return {
      items: rows.map(({ nextRetryAt, createdAt, ...rest }) => ({
        ...rest,
        nextRetryDate: nextRetryAt ? nextRetryAt.toISOString() : null,
        createdDate: createdAt.toISOString(),
      })),
      total,
      page: page.page,
      limit: page.limit,
    };
  }

  /**
   * Delivers the event of this attempt again, as a new round (same event id, so a receiver that
   * already handled it can tell): the outbox relay queues it within WEBHOOK_POLL_MS.
   */
  async redeliver(id: string, deliveryId: string, principal: Principal): Promise<void> {
    await this.find(id, principal);
    const result: unknown = await this.db.query(
      `UPDATE webhook_events e SET status = 'Pending', round = round + 1, enqueued_at = NULL, delivered_at = NULL
         FROM webhook_deliveries d
        WHERE d.id = $2 AND d.webhook_id = $1 AND e.id = d.event_id
        RETURNING e.id`,
      [id, deliveryId],
    );
    if ((result as [unknown[], number])[0].length === 0) {
      throw new NotFoundError(`No delivery with id "${deliveryId}" of webhook "${id}".`);
    }
  }

  private async find(id: string, principal: Principal): Promise<WebhookRow> {
    const [row] = await this.db.query<WebhookRow[]>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND ${owned(principal, 2)}`,
      principal === null ? [id] : [id, principal],
    );
    if (!row) throw new NotFoundError(`No webhook with id "${id}".`);
    return row;
  }
}

/** owner IS NOT DISTINCT FROM the principal, written so the owner index serves it. */
function owned(principal: Principal, param: number): string {
  return principal === null ? 'owner IS NULL' : `owner = $${param}`;
}

function toDto(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    createdDate: row.createdAt.toISOString(),
    previousSecretExpiresDate: row.previousSecretExpiresAt ? row.previousSecretExpiresAt.toISOString() : null,
  };
}
