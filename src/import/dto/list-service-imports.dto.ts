import { IsEnum, IsOptional } from 'class-validator';
import { QueryInt } from '../../common/validation';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ImportStatus } from '../import-status';

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
  @ApiPropertyOptional({ type: 'boolean', default: false })
  @IsOptional()
  @IsEnum(['true', 'false'], { message: 'dryRun must be true or false' })
  dryRun?: 'true' | 'false';
}
