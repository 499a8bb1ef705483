import { Module } from '@nestjs/common';
import { ImportModule } from '../../import/import.module';
import { WebhooksModule } from '../webhooks.module';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookOutboxRelay } from './webhook-outbox.relay';
import { WebhookWorker } from './webhook.worker';

/**
 * What only a worker process runs for webhooks: the relay from the outbox to the queue, and the
 * processor that signs and sends. AppModule imports it for APP_ROLE worker and all.
 */
@Module({
  imports: [WebhooksModule, ImportModule],
  providers: [WebhookOutboxRelay, WebhookDeliverer, WebhookWorker],
})
export class WebhookDeliveryModule {}
