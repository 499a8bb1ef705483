import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { QueryInt } from '../../../common/validation';

export enum ImportRowOutcome {
  Skipped = 'Skipped',
  Error = 'Error',
}

/** Every reason a row is not imported: the skips found in the database, then the value errors. */
export const IMPORT_ROW_REASONS = [
  'CLIENT_NOT_FOUND',
  'CLIENT_INACTIVE',
  'SERVICE_NOT_FOUND',
  'ALREADY_ASSIGNED',
  'MISSING_CLIENT_CODE',
  'MISSING_SERVICE_CODE',
  'INVALID_QUANTITY',
  'INVALID_UNIT_PRICE',
  'INVALID_DATE',
  'INVALID_DATE_RANGE',
  'NOTES_TOO_LONG',
  'MALFORMED_ROW',
] as const;

export type ImportRowReason = (typeof IMPORT_ROW_REASONS)[number];

export const MAX_ROWS_PAGE_SIZE = 500;

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

  /** Rows per page */
  @QueryInt({ min: 1, max: MAX_ROWS_PAGE_SIZE, default: 100 })
  limit: number = 100;
}
