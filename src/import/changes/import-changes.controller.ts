import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { AssignmentChangePageDto } from '../../clients/dto/assignment-change.dto';
import { ParseImportCodePipe } from '../import-code.pipe';
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
}
