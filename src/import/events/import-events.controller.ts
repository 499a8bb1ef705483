import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ParseImportCodePipe } from '../import-code.pipe';
import { ImportEventsService } from './import-events.service';

const EXAMPLE =
  'event: progress\n' +
  'data: {"code":"q3Zb1d0Jc8d4kWmYtV7x5A","status":"InProgress","processedItems":5000,"totalItems":20000,' +
  '"progressPercent":25,"estimatedSecondsRemaining":6,"phase":"Importing",...}\n\n' +
  ': ping\n\n' +
  'event: end\n' +
  'data: {"code":"q3Zb1d0Jc8d4kWmYtV7x5A","status":"Completed","processedItems":20000,...}\n\n';

@ApiTags('service-imports')
@ApiExtraModels(ServiceImportJobDto)
@Controller('service-imports')
export class ImportEventsController {
  constructor(private readonly events: ImportEventsService) {}

  @Get(':code/events')
  @ApiOperation({
    summary: 'Follow an import live (Server-Sent Events)',
    description:
      'A text/event-stream. On connect: `event: progress` with the current ServiceImportJobDto as JSON in ' +
      '`data`; then one `progress` event after every committed batch and at every status or phase change ' +
      '(bursts are coalesced to at most about four per second). When the job ends (Completed, Failed or ' +
      'Cancelled): `event: end` with the final ServiceImportJobDto, and the server closes the stream. A job ' +
      'that has already ended gets just the `end` event. A comment line `: ping` every 15 s keeps proxies ' +
      'from closing an idle stream. Works whichever process runs the import.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'Events `progress` and `end`, each with `data` = a ServiceImportJobDto (' +
      getSchemaPath(ServiceImportJobDto) +
      ') as JSON.',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiNotFoundResponse({ description: 'No import with this code (a JSON error, not a stream)' })
  @ApiTooManyRequestsResponse({
    description:
      'The key already holds SSE_MAX_STREAMS_PER_KEY open streams on this process (a JSON error with Retry-After)',
  })
  async follow(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.events.open(code, principal, req, res);
  }
}
