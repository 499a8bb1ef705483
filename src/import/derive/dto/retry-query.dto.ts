import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { QueryBool } from '../../../common/validation';
import {
  IMPORT_ROW_REASONS,
  ImportRowOutcome,
  type ImportRowReason,
} from '../../rows/dto/list-service-import-rows.dto';

export class RetryImportQueryDto {
  @ApiPropertyOptional({
    enum: ImportRowOutcome,
    enumName: 'ImportRowOutcome',
    description: 'Retry only the rows with this outcome (default: Skipped and Error rows)',
  })
  @IsOptional()
  @IsEnum(ImportRowOutcome, { message: 'outcome must be Skipped or Error' })
  outcome?: ImportRowOutcome;

  @ApiPropertyOptional({
    enum: IMPORT_ROW_REASONS,
    enumName: 'ImportRowReason',
    description:
      'Retry only the rows not imported for this reason, e.g. CLIENT_NOT_FOUND after creating the clients',
    example: 'CLIENT_NOT_FOUND',
  })
  @IsOptional()
  @IsIn(IMPORT_ROW_REASONS, { message: `reason must be one of ${IMPORT_ROW_REASONS.join(', ')}` })
  reason?: ImportRowReason;

  /** Check the retried rows without writing anything (the only retry a dry run allows). */
  @QueryBool()
  dryRun?: boolean;
}

export class RevertImportQueryDto {
  /** Judge every change as a revert would and report it, writing nothing. */
  @QueryBool()
  dryRun?: boolean;
}
