import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { QueryInt } from '../../../common/validation';
import { ERROR_REASONS, ErrorReason, SKIP_REASONS, SkipReason } from '../../rules/row-rules';
import { REVERT_REASONS } from '../../rules/revert-rules';

export enum ImportRowOutcome {
  Skipped = 'Skipped',
  Error = 'Error',
}

/**
 * Every reason a row is not imported: the skips found in the database, then the value errors, then
 * why a revert kept a change.
 */
export const IMPORT_ROW_REASONS: readonly ImportRowReason[] = [
  ...SKIP_REASONS,
  ...ERROR_REASONS,
  ...REVERT_REASONS,
];

export type ImportRowReason = SkipReason | ErrorReason | (typeof REVERT_REASONS)[number];

export const MAX_ROWS_PAGE_SIZE = 500;
/** A page also stops before its JSON would pass about this many bytes (always at least one row). */
export const MAX_ROWS_PAGE_BYTES = 1024 * 1024;

export class ListServiceImportRowsQueryDto {
  @ApiPropertyOptional({ enum: ImportRowOutcome, enumName: 'ImportRowOutcome' })
  @IsOptional()
  @IsEnum(ImportRowOutcome, { message: 'outcome must be Skipped or Error' })
  outcome?: ImportRowOutcome;

  @ApiPropertyOptional({ enum: IMPORT_ROW_REASONS, enumName: 'ImportRowReason' })
  @IsOptional()
  @IsIn(IMPORT_ROW_REASONS, { message: `reason must be one of ${IMPORT_ROW_REASONS.join(', ')}` })
  reason?: ImportRowReason;

  /** 1-based page number */
  @QueryInt({ min: 1, max: 1_000_000_000, default: 1 })
  page: number = 1;

  /**
   * Rows per page at most; a page also stops before about 1 MB of JSON (at least one row), so a page
   * may hold fewer: follow `nextAfter` to read every row
   */
  @QueryInt({ min: 1, max: MAX_ROWS_PAGE_SIZE, default: 100 })
  limit: number = 100;

  /** Rows after this rowNumber (the `nextAfter` of the previous page); not with `page` */
  @QueryInt({ min: 0, max: 2_147_483_647 })
  after?: number;
}
