import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events';

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  events: WebhookEventType[];

  @ApiProperty({ format: 'date-time' })
  createdDate: string;

  /** Until when deliveries also carry a signature made with the secret replaced by the last rotation. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  previousSecretExpiresDate: string | null;
}

/** The answer to a registration or a rotation: the only time the signing secret is shown. */
export class WebhookWithSecretDto extends WebhookDto {
  /** HMAC-SHA256 key of the `Webhook-Signature` header; shown once, keep it. */
  @ApiProperty({ example: 'whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })
  secret: string;
}
