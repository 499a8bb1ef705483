import { ApiProperty } from '@nestjs/swagger';

/** A signed download link to an import's report of rows not imported. */
export class ReportLinkDto {
  @ApiProperty({
    description: 'Time-limited signed link to the CSV of rows not imported (SIGNED_URL_TTL_SECONDS).',
    format: 'uri',
  })
  url: string;

  @ApiProperty({ description: 'When the link stops working (UTC).', format: 'date-time' })
  expiresDate: string;
}
