import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AssignmentExportService } from './assignment-export.service';
import { ExportAssignmentsQueryDto } from './dto/export-assignments-query.dto';

export const EXPORT_FILE_NAME = 'client-billable-services.csv';

/**
 * The assignments as one CSV file. Assignments are shared data: like GET /clients/{id}/billable-services,
 * any API key reads them all (the key only owns its imports).
 */
@ApiTags('client-billable-services')
@Controller('client-billable-services')
export class AssignmentExportController {
  private readonly logger = new Logger(AssignmentExportController.name);

  constructor(private readonly exports: AssignmentExportService) {}

  @Get('export')
  @ApiOperation({
    summary: 'Every assignment as a CSV file in the import format',
    description:
      'The assignments (or those of the clients and services named), streamed as the CSV the import reads: ' +
      'header `clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes`, one line per assignment ' +
      'ordered by client then service code, prices with two decimals, dates YYYY-MM-DD, an empty cell for no ' +
      'value. UTF-8 with BOM, comma, CRLF, RFC 4180 quoting; a cell that could run as a spreadsheet formula ' +
      "(or reads as #CLEAR) is prefixed with ', which the import drops again, so importing the file with " +
      '`mode=upsert` finds every row Unchanged. `X-Total-Count` gives the number of lines that follow the ' +
      'header, counted in the same snapshot as the rows: a file with fewer lines was cut short.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The CSV file (an attachment)',
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example:
          'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes\r\n' +
          'C000001,S0001,1,12.50,,,\r\nC000002,S0002,3,12.50,2026-01-01,2026-12-31,"Billed monthly, on site"\r\n',
      },
    },
    headers: {
      'X-Total-Count': {
        description: 'The number of assignments in the file (its lines after the header)',
        schema: { type: 'integer', minimum: 0 },
      },
    },
  })
  @ApiBadRequestResponse({
    description: 'A code that is not one (pattern, length), more than 1000 codes, or an unknown code (named)',
  })
  @ApiServiceUnavailableResponse({ description: 'The database did not answer in time' })
  async export(@Query() query: ExportAssignmentsQueryDto, @Res() res: Response): Promise<void> {
    const { total, stream } = await this.exports.open({ clients: query.client, services: query.service });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${EXPORT_FILE_NAME}"`);
    res.setHeader('X-Total-Count', String(total));
    // A failure mid-file destroys the response, so the reader sees a cut transfer, never a short file
    // that looks complete; a reader who goes away destroys the stream, which closes its connection.
    await pipeline(stream, res).catch((error: Error) => {
      if (!res.writableFinished && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn(`Export stopped: ${error.message}`);
      }
    });
  }
}
