import { ApiProperty } from '@nestjs/swagger';
import { ValidateCode, ValidateMoney, ValidateName } from '../../common/validation';
import { BillableService } from '../billable-service.entity';
import { PageDto } from '../../common/dto/page.dto';

export class CreateBillableServiceDto {
  @ValidateCode('CONSULT-H')
  code: string;

  @ValidateName('Consulting, per hour')
  name: string;

  @ValidateMoney()
  unitPrice: string;
}

export class BillableServiceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CONSULT-H' })
  code: string;

  @ApiProperty({ example: 'Consulting, per hour' })
  name: string;

  /** Decimal string with two places */
  @ApiProperty({ pattern: '^\\d+\\.\\d{2}$', example: '12.50' })
  unitPrice: string;

  /** When the service was created (UTC) */
  @ApiProperty({ format: 'date-time' })
  createdDate: string;
}

export class BillableServicePageDto extends PageDto {
  items: BillableServiceDto[];
}

export function toBillableServiceDto(service: BillableService): BillableServiceDto {
  return {
    id: service.id,
    code: service.code,
    name: service.name,
    unitPrice: service.unitPrice,
    createdDate: service.createdAt.toISOString(),
  };
}
