import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { WebhookDeliveryPageDto } from './dto/webhook-delivery.dto';
import { WebhookDto, WebhookWithSecretDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

/** A malformed id names no webhook (404), as an unknown one or another key's. */
const WebhookId = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 });
const NOT_FOUND = 'No webhook with this id (or it belongs to another API key)';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint for the end of imports',
    description:
      'Each subscribed event of an import or revert of this API key is POSTed to the URL, signed with the ' +
      'secret in the answer (shown only here and at a rotation). See the README section "Webhooks".',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiBadRequestResponse({
    description:
      'An unknown event, or a URL refused: not https, or resolving to a loopback or private address',
  })
  create(
    @Body() body: CreateWebhookDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: "The API key's webhooks, oldest first" })
  @ApiOkResponse({ type: [WebhookDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<WebhookDto[]> {
    return this.webhooks.list(principal);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook (without its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  get(@Param('id', WebhookId) id: string, @CurrentPrincipal() principal: Principal): Promise<WebhookDto> {
    return this.webhooks.get(id, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook; its pending deliveries stop' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  remove(@Param('id', WebhookId) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.webhooks.remove(id, principal);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the signing secret',
    description:
      'The answer shows the new secret once. For 24 hours deliveries carry two v1 signatures, made with the new ' +
      'and the replaced secret, so receivers can switch without missing an event.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  rotateSecret(
    @Param('id', WebhookId) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.rotateSecret(id, principal);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery attempts, newest first: status code, duration, error, next retry' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  deliveries(
    @Param('id', WebhookId) id: string,
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveries(id, principal, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: "Deliver an attempt's event again",
    description: 'A new round of attempts (with retries) of the same event, carrying the same event id.',
  })
  @ApiAcceptedResponse({ description: 'Queued for delivery' })
  @ApiNotFoundResponse({ description: 'No such webhook, or no such delivery of it' })
  redeliver(
    @Param('id', WebhookId) id: string,
    @Param('deliveryId', WebhookId) deliveryId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.webhooks.redeliver(id, deliveryId, principal);
  }
}
