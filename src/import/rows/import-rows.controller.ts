import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { ListServiceImportRowsQueryDto } from './dto/list-service-import-rows.dto';
import { ServiceImportRowPageDto } from './dto/service-import-row.dto';
import { ParseImportCodePipe } from '../import-code.pipe';
import { ImportRowsService } from './import-rows.service';

@ApiTags('service-imports')
@Controller('service-imports')
export class ImportRowsController {
  constructor(private readonly rows: ImportRowsService) {}

  @Get(':code/rows')
  @ApiOperation({
    summary: 'The rows that were not imported, as JSON',
    description:
      'The Skipped and Error rows in file order, with the reason, a message and the values keyed by the ' +
      "file's column names: the same content as the not-imported report, for UIs that show problems inline. " +
      'Available while the import runs (the rows of the batches committed so far).',
  })
  @ApiOkResponse({ type: ServiceImportRowPageDto })
  @ApiBadRequestResponse({ description: 'An unknown outcome or reason, or a page or limit out of range' })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  list(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListServiceImportRowsQueryDto,
  ): Promise<ServiceImportRowPageDto> {
    return this.rows.list(code, principal, query);
  }
}
