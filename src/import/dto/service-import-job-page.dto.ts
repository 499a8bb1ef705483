import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/dto/page.dto';
import { ServiceImportJobDto } from './service-import-job.dto';

export class ServiceImportJobPageDto extends PageDto {
  @ApiProperty({ type: [ServiceImportJobDto] })
  items: ServiceImportJobDto[];
}
