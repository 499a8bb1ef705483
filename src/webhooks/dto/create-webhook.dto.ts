import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export class CreateWebhookDto {
  /**
   * The endpoint that receives the events: https (http only with WEBHOOK_ALLOW_HTTP=true), on a
   * public address (WEBHOOK_ALLOW_PRIVATE=true allows loopback and private ones).
   */
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  @ApiProperty({ example: 'https://example.com/hooks/service-import', maxLength: MAX_WEBHOOK_URL_LENGTH })
  url: string;

  /** The events to receive: `import.*` for imports, `revert.*` for reverts of an import. */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    example: ['import.completed', 'import.failed'],
  })
  events: WebhookEventType[];
}
