import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Redirect,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateServiceImportQueryDto, ListServiceImportsQueryDto } from './dto/list-service-imports.dto';
import { ServiceImportJobPageDto } from './dto/service-import-job-page.dto';
import { ServiceImportJobDto } from './dto/service-import-job.dto';
import { ImportService } from './import.service';
import type { StoredUpload } from './upload/csv-upload.storage';

@ApiTags('service-imports')
@Controller('service-imports')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a CSV of client billable services and start an import',
    description:
      'The file is checked while it streams in (not CSV, missing columns → 4xx, no job). The job is returned at ' +
      'once with status Queued; poll GET /api/service-imports/{code} until it ends.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The CSV file (see GET /template)' },
      },
    },
  })
  @ApiAcceptedResponse({ type: ServiceImportJobDto, description: 'Queued; Location names the job' })
  @ApiBadRequestResponse({ description: 'No file, an empty file, or a header without a required column' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than IMPORT_MAX_FILE_BYTES' })
  @ApiUnsupportedMediaTypeResponse({
    description: 'Not a text file (binary content, a spreadsheet, a PDF...)',
  })
  @ApiServiceUnavailableResponse({ description: 'Storage or queue unavailable; nothing was created' })
  async create(
    @UploadedFile() file: StoredUpload | undefined,
    @Query() query: CreateServiceImportQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ServiceImportJobDto> {
    const job = await this.imports.create(file, { dryRun: query.dryRun === 'true' });
    res.setHeader('Location', `/api/service-imports/${job.code}`);
    return job;
  }

  @Get()
  @ApiOperation({ summary: 'List imports, newest first' })
  @ApiOkResponse({ type: ServiceImportJobPageDto })
  list(@Query() query: ListServiceImportsQueryDto): Promise<ServiceImportJobPageDto> {
    return this.imports.list(query);
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

  @Get(':code')
  @ApiOperation({ summary: 'The status and counters of an import' })
  @ApiOkResponse({ type: ServiceImportJobDto })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  get(@Param('code') code: string): Promise<ServiceImportJobDto> {
    return this.imports.get(code);
  }

  @Post(':code/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an import',
    description:
      'A Queued import is Cancelled at once; an InProgress one stops at its next batch boundary (rows already ' +
      'written stay, and the counters say how many).',
  })
  @ApiOkResponse({ type: ServiceImportJobDto })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiConflictResponse({ description: 'The import already ended (Completed, Failed or Cancelled)' })
  cancel(@Param('code') code: string): Promise<ServiceImportJobDto> {
    return this.imports.cancel(code);
  }

  @Get(':code/not-imported')
  @Redirect()
  @ApiOperation({ summary: 'Redirect to a freshly signed link to the report of rows not imported' })
  @ApiFoundResponse({ description: 'Location is a time-limited download link' })
  @ApiNotFoundResponse({ description: 'No such import, or it has no report' })
  async notImported(@Param('code') code: string): Promise<{ url: string; statusCode: number }> {
    return { url: await this.imports.notImportedUrl(code), statusCode: 302 };
  }
}
