import { IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryBool, QueryInt } from '../../common/validation';
import { ImportStatus } from '../job/import-status';
import { CLEAR_TOKEN, IMPORT_MODES, ImportMode } from '../rules/import-mode';

export class ListServiceImportsQueryDto {
  @ApiPropertyOptional({ enum: ImportStatus, enumName: 'ImportStatus' })
  @IsOptional()
  @IsEnum(ImportStatus)
  status?: ImportStatus;

  /** 1-based page number */
  @QueryInt({ min: 1, max: 1_000_000_000, default: 1 })
  page: number = 1;

  /** Imports per page */
  @QueryInt({ min: 1, max: 100, default: 20 })
  limit: number = 20;
}

export class CreateServiceImportQueryDto {
  /** Check the whole file without writing any assignment. */
  @QueryBool()
  dryRun?: boolean;

  @ApiPropertyOptional({
    enum: ImportMode,
    enumName: 'ImportMode',
    default: ImportMode.Create,
    description:
      'create (default): only adds; a pair the client already has is skipped (ALREADY_ASSIGNED). upsert: adds new ' +
      'pairs and updates existing ones (Updated, or Unchanged when every given value equals the stored one). ' +
      'update: only updates; a pair the client does not have is skipped (NOT_ASSIGNED). In upsert and update an ' +
      `empty cell keeps the stored value and ${CLEAR_TOKEN} clears startDate, endDate or notes.`,
  })
  @IsOptional()
  @IsIn(IMPORT_MODES, { message: `mode must be one of: ${IMPORT_MODES.join(', ')}` })
  mode?: ImportMode;

  /**
   * For an .xlsx workbook: the name of the sheet to import (compared as Excel does, ignoring case);
   * the first sheet when left out. An unknown name → 400 listing the workbook's sheets; with a CSV → 400.
   */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  sheet?: string;
}

export class NotImportedQueryDto {
  /**
   * `false` answers 200 with the signed link as JSON instead of redirecting to it (for a client that
   * wants the link itself, e.g. to hand it on, or a browser page that cannot read a cross-origin redirect).
   */
  @QueryBool()
  redirect?: boolean;
}
