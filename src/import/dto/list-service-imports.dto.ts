import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryBool } from '../../common/validation';
import { ImportStatus } from '../import-status';

export class ListServiceImportsQueryDto {
  @ApiPropertyOptional({ enum: ImportStatus, enumName: 'ImportStatus' })
  @IsOptional()
  @IsEnum(ImportStatus)
  status?: ImportStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
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
