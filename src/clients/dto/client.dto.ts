import { ApiProperty } from '@nestjs/swagger';
import { ValidateCode, ValidateName } from '../../common/validation';
import { Client } from '../client.entity';
import { PageDto } from '../../common/dto/page.dto';

export class CreateClientDto {
  @ValidateCode('ACME-001')
  code: string;

  @ValidateName('Acme Corporation')
  name: string;
}

export class ClientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ACME-001' })
  code: string;

  @ApiProperty({ example: 'Acme Corporation' })
  name: string;

  isActive: boolean;

  /** When the client was created (UTC) */
  @ApiProperty({ format: 'date-time' })
  createdDate: string;
}

export class ClientPageDto extends PageDto {
  items: ClientDto[];
}

export function toClientDto(client: Client): ClientDto {
  return {
    id: client.id,
    code: client.code,
    name: client.name,
    isActive: client.isActive,
    createdDate: client.createdAt.toISOString(),
  };
}
