import { ApiProperty } from '@nestjs/swagger';
import { ServiceImportJobDto } from './service-import-job.dto';

export class ServiceImportJobPageDto {
  @ApiProperty({ type: [ServiceImportJobDto] })
  items: ServiceImportJobDto[];

  @ApiProperty({ type: 'integer', example: 1 })
  total: number;

  @ApiProperty({ type: 'integer', example: 1 })
  page: number;

  @ApiProperty({ type: 'integer', example: 20 })
  limit: number;
}
