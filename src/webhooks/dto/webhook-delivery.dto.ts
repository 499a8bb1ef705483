import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/dto/page.dto';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events';

export enum WebhookEventStatus {
  Pending = 'Pending',
  Delivered = 'Delivered',
  Failed = 'Failed',
}

/** One attempt to deliver an event. */
export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** The event id: the `Webhook-Id` header, the same on every attempt and redelivery of the event. */
  @ApiProperty({ format: 'uuid' })
  eventId: string;

  /** The event's type (one of WebhookEventType). */
  // Inline: a property named `type` with a named enum ends up as a one-schema allOf (Redocly warns).
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  type: string;

  /** The code of the import (or revert) the event is about. */
  importCode: string;

  /** 1 for the first attempt of the event; redeliveries go on counting. */
  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt: number;

  /** The answer's status code; null when there was none (timeout, connection error, refused target). */
  @ApiProperty({ type: 'integer', nullable: true })
  statusCode: number | null;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs: number;

  /** Why the attempt failed; null when it succeeded (2xx). */
  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  /** The first 1 KB of the answer's body. */
  @ApiProperty({ type: String, nullable: true })
  responseBody: string | null;

  /** When the next attempt is due after this failed one; null after a success or the last attempt. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  nextRetryDate: string | null;

  /** Where the event stands now: Pending (being delivered or retried), Delivered, or Failed for good. */
  @ApiProperty({ enum: WebhookEventStatus, enumName: 'WebhookEventStatus' })
  eventStatus: WebhookEventStatus;

  @ApiProperty({ format: 'date-time' })
  createdDate: string;
}

export class WebhookDeliveryPageDto extends PageDto {
  /** Newest attempt first. */
  @ApiProperty({ type: [WebhookDeliveryDto] })
  items: WebhookDeliveryDto[];
}
