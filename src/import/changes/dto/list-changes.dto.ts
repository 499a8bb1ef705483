import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { AssignmentChangeAction } from '../../../clients/dto/assignment-change.dto';
import { QueryInt } from '../../../common/validation';

export const MAX_CHANGES_PAGE_SIZE = 500;

export class ListChangesQueryDto {
  @ApiPropertyOptional({ enum: AssignmentChangeAction, enumName: 'AssignmentChangeAction' })
  @IsOptional()
  @IsEnum(AssignmentChangeAction, {
    message: 'action must be Created, Updated, Deleted or Restored (the last two in a revert)',
  })
  action?: AssignmentChangeAction;

  /** 1-based page number */
  @QueryInt({ min: 1, max: 1_000_000_000, default: 1 })
  page: number = 1;

  /** Changes per page */
  @QueryInt({ min: 1, max: MAX_CHANGES_PAGE_SIZE, default: 100 })
  limit: number = 100;
}
