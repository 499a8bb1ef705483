import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { WEBHOOK_QUEUE } from './webhook-queue.constants';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks' HTTP side (registration, rotation, the delivery log) and their queue, in every process.
 * The events themselves are written by ImportJobStateService (webhook-events.ts) with the job's end;
 * delivering them is worker-only: WebhookDeliveryModule (delivery/), which AppModule adds for
 * APP_ROLE worker and all.
 */
@Module({
  imports: [BullModule.registerQueue({ name: WEBHOOK_QUEUE })],
  controllers: [WebhooksController],
  providers: [WebhooksService],
  exports: [BullModule],
})
export class WebhooksModule {}
