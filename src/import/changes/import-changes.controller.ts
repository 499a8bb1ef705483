import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { AssignmentChangePageDto } from '../../clients/dto/assignment-change.dto';
import { NotImportedQueryDto } from '../dto/list-service-imports.dto';
import { ParseImportCodePipe } from '../import-code.pipe';
import { ApiSignedLinkResponses, sendSignedLink } from '../signed-link';
import { ListChangesQueryDto } from './dto/list-changes.dto';
import { ImportChangesService } from './import-changes.service';

@ApiTags('service-imports')
@Controller('service-imports')
export class ImportChangesController {
  constructor(private readonly changes: ImportChangesService) {}

  @Get(':code/changes')
  @ApiOperation({
    summary: 'What the import created and changed, field by field',
    description:
      'One record per created or updated assignment, in file order: the row number, the action, the assignment ' +
      'and every field that changed with its value before and after (a created assignment: every field it was ' +
      'created with, from null). A dry run shows what a real run would change against the data as it is now ' +
      '(assignmentId null for what it would create). Unchanged rows change nothing and have no record. ' +
      'Available while the import runs (the batches committed so far).',
  })
  @ApiOkResponse({ type: AssignmentChangePageDto })
  @ApiBadRequestResponse({ description: 'An unknown action, or a page or limit out of range' })
  @ApiNotFoundResponse({ description: 'No import with this code' })
  @ApiGoneResponse({ description: 'The retention policy deleted the change log' })
  list(
    @Param('code', ParseImportCodePipe) code: string,
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListChangesQueryDto,
  ): Promise<AssignmentChangePageDto> {
    return this.changes.list(code, principal, query);
  }

  // A route of its own, not `:code/changes` with an Accept header: a link a browser or curl follows.
  @Get(':code/changes.csv')
  @ApiOperation({
    summary: 'A freshly signed link to the change log as one CSV file',
    description:
      'The whole change log of a Completed import (or of a dry run: what it would change), for logs too long ' +
      'to page through: redirects (302) to a newly signed download link, so an expired link in an old answer ' +
      'is never a dead end; with `redirect=false` answers the link as JSON instead. The file is written when ' +
      'the import completes, in the order of the file: UTF-8 with a BOM, comma-separated, CRLF line ends, ' +
      'RFC 4180 quoting, and a cell that could run as a spreadsheet formula (starting with = + - @ ...) ' +
      "prefixed with '. Header `rowNumber,action,assignmentId,clientCode,serviceCode,field,from,to`, then one " +
      'line per changed field: an Updated assignment has a line for every field that changed, a Created one ' +
      'for every field it was created with (`from` empty). Fields are quantity, unitPrice (two decimals), ' +
      'startDate, endDate (YYYY-MM-DD) and notes; an empty value and no value are both an empty cell (a ' +
      'cleared field has an empty `to`). assignmentId is empty for what a dry run would create. Example:\n\n' +
      '```\nrowNumber,action,assignmentId,clientCode,serviceCode,field,from,to\n' +
      '1,Updated,3f0c9a54-5b7e-4a39-9d2f-0b8e8f1f6c11,ACME-001,CONSULT-H,quantity,1,3\n' +
      '3,Created,8d1e2b7a-0c4f-4e1a-b6a3-2f5d9c7e4b20,ACME-002,CONSULT-H,quantity,,1\n' +
      '3,Created,8d1e2b7a-0c4f-4e1a-b6a3-2f5d9c7e4b20,ACME-002,CONSULT-H,unitPrice,,120.00\n' +
      '6,Updated,1b6f3e2d-9a8c-4d7b-8e5f-6c4a2b1d0e93,ACME-002,HOSTING,notes,on site,\n```',
  })
  @ApiSignedLinkResponses('the change log CSV', 'reports/9b2f6c1e-changes.csv')
  @ApiNotFoundResponse({
    description:
      'No import with this code, or it has no change log file: it has not completed (Queued, InProgress, ' +
      'Failed, Cancelled) or it created and updated nothing; the message says which',
  })
  @ApiGoneResponse({ description: 'The retention policy deleted the change log' })
  async download(
    @Param('code', ParseImportCodePipe) code: string,
    @Query() query: NotImportedQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    sendSignedLink(res, await this.changes.downloadLink(code, principal), query.redirect);
  }
}
