import { IsEnum, IsOptional } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryBool, QueryInt } from '../../common/validation';
import { ImportStatus } from '../job/import-status';

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
}

export class NotImportedQueryDto {
  /**
   * `false` answers 200 with the signed link as JSON instead of redirecting to it (for a client that
   * wants the link itself, e.g. to hand it on, or a browser page that cannot read a cross-origin redirect).
   */
  @QueryBool()
  redirect?: boolean;
}
