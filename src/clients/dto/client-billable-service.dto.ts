import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/dto/page.dto';

/** A catalog service assigned to a client, with the codes and names a reader needs. */
export class ClientBillableServiceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ example: 'ACME-001' })
  clientCode: string;

  @ApiProperty({ format: 'uuid' })
  billableServiceId: string;

  @ApiProperty({ example: 'CONSULT-H' })
  serviceCode: string;

  @ApiProperty({ example: 'Consulting, per hour' })
  serviceName: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 3 })
  quantity: number;

  /** Decimal string with two places */
  @ApiProperty({ pattern: '^\\d+\\.\\d{2}$', example: '12.50' })
  unitPrice: string;

  @ApiProperty({ type: 'string', format: 'date', nullable: true, example: '2026-01-01' })
  startDate: string | null;

  @ApiProperty({ type: 'string', format: 'date', nullable: true, example: '2026-01-31' })
  endDate: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  notes: string | null;

  /** Code of the import that created the assignment or last changed it; null when it was not imported */
  @ApiProperty({ type: 'string', nullable: true })
  importJobCode: string | null;

  /** When the assignment was created (UTC) */
  @ApiProperty({ format: 'date-time' })
  createdDate: string;

  /** When an import last changed the assignment (UTC); null when it never was */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  updatedDate: string | null;
}

export class ClientBillableServicePageDto extends PageDto {
  items: ClientBillableServiceDto[];
}
