import {
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiGoneResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiRequestTimeoutResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import {
  CreateServiceImportQueryDto,
  ListServiceImportsQueryDto,
  NotImportedQueryDto,
} from './dto/list-service-imports.dto';
import { ServiceImportJobPageDto } from './dto/service-import-job-page.dto';
import { ServiceImportJobDto } from './dto/service-import-job.dto';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH } from './admission/idempotency';
import { ParseImportCodePipe } from './import-code.pipe';
import { ImportService } from './import.service';
import { ApiSignedLinkResponses, sendSignedLink } from './signed-link';
import { ImportMode } from './rules/import-mode';
import type { StoredUpload } from './upload/csv-upload.storage';
import { UploadDeadlineInterceptor } from './upload/upload-deadline.interceptor';

@ApiTags('service-imports')
@Controller('service-imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(202)
  // Before the file interceptor: a throttled upload is refused before its body is read.
  @UseGuards(ThrottlerGuard)
  @UseInterceptors(UploadDeadlineInterceptor, FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a CSV of client billable services and start an import',
    description:
      'The file is checked while it streams in (not CSV, missing columns → 4xx, no job). The job is returned at ' +
      'once with status Queued; poll GET /api/service-imports/{code} until it ends.',
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      `Up to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, scoped to the API key. Sending the same key ` +
      'with the same file, dryRun and mode returns the original job (202) instead of starting another; with a different ' +
      'file → 422. A key is remembered as long as its job exists (at least 24 hours).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: 'The CSV file or .xlsx workbook (see GET /template, /template.xlsx)',
        },
      },
    },
  })
  @ApiAcceptedResponse({ type: ServiceImportJobDto, description: 'Queued; Location names the job' })
  @ApiBadRequestResponse({ description: 'No file, an empty file, or a header without a required column' })
  @ApiPayloadTooLargeResponse({
    description:
      'Larger than IMPORT_MAX_FILE_BYTES, or a workbook unzipping to more than IMPORT_MAX_XLSX_INFLATED_BYTES',
  })
  @ApiUnsupportedMediaTypeResponse({
    description:
      'Neither CSV text nor an .xlsx workbook (binary content, an .xls or password-protected workbook, a PDF...)',
  })
  @ApiUnprocessableEntityResponse({
    description: 'The Idempotency-Key was already used for a different file',
  })
  @ApiTooManyRequestsResponse({
    description:
      'Upload rate limit (UPLOAD_RATE_LIMIT per UPLOAD_RATE_WINDOW_SECONDS) or active-import cap ' +
      '(MAX_ACTIVE_IMPORTS_PER_KEY) reached; Retry-After says when to try again',
  })
  @ApiRequestTimeoutResponse({
    description: 'The body did not arrive within UPLOAD_TIMEOUT_SECONDS; nothing was created',
  })
  @ApiServiceUnavailableResponse({ description: 'Storage or queue unavailable; nothing was created' })
  async create(
    @UploadedFile() file: StoredUpload | undefined,
    @Query() query: CreateServiceImportQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceImportJobDto> {
    const job = await this.imports.create(file, {
      dryRun: query.dryRun ?? false,
      mode: query.mode ?? ImportMode.Create,
      principal,
      idempotencyKey,
    });
    res.setHeader('Location', `/api/service-imports/${job.code}`);
    return job;
  }

  @Get()
  @ApiOperation({ summary: 'List imports, newest first' })
  @ApiOkResponse({ type: ServiceImportJobPageDto })
  list(
    @Query() query: ListServiceImportsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ServiceImportJobPageDto> {
    return this.imports.list(query, principal);
  }

  @Get('template')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="service-import-template.csv"')
  @ApiOperation({ summary: 'A CSV template: the header and two example rows' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The template CSV', schema: { type: 'string' } })
  template(): string {
    return this.imports.template();
  }

  @Get('template.xlsx')
  @Header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @Header('Content-Disposition', 'attachment; filename="service-import-template.xlsx"')
  @ApiOperation({ summary: 'The template as an Excel workbook: the header and two example rows' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The template workbook', schema: { type: 'string', format: 'binary' } })
  async templateWorkbook(@Res() res: Response): Promise<void> {
    res.send(await this.imports.templateWorkbook());
  }

  @Get(':code')
  @ApiOperation({ summary: 'The status and counters of an import' })
  @ApiOkResponse({ type: ServiceImportJobDto })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  get(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ServiceImportJobDto> {
    return this.imports.get(code, principal);
  }

  @Post(':code/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an import',
    description:
      'A Queued import is Cancelled at once; an InProgress one stops once the batches already in the database ' +
      '(at most two) have committed (rows already written stay, and the counters say how many). Once the ' +
      'last batch has committed the import is finishing: it completes with its report and a cancel gets 409.',
  })
  @ApiOkResponse({ type: ServiceImportJobDto })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiConflictResponse({
    description:
      'The import already ended (Completed, Failed or Cancelled), or is finishing: every row is in and it ' +
      'completes with its report',
  })
  cancel(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ServiceImportJobDto> {
    return this.imports.cancel(code, principal);
  }

  @Get(':code/not-imported')
  @ApiOperation({
    summary: 'A freshly signed link to the report of rows not imported',
    description:
      'Redirects (302) to a newly signed download link, so an expired link in an old answer is never a dead ' +
      'end; with `redirect=false` answers the link as JSON instead.',
  })
  @ApiSignedLinkResponses('the report CSV', 'reports/9b2f6c1e.csv')
  @ApiNotFoundResponse({ description: 'No such import, or it has no report' })
  @ApiGoneResponse({ description: 'The retention policy deleted the report' })
  async notImported(
    @Param('code', ParseImportCodePipe) code: string,
    @Query() query: NotImportedQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    sendSignedLink(res, await this.imports.notImportedLink(code, principal), query.redirect);
  }
}
