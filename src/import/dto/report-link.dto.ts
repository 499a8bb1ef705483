import { ApiProperty } from '@nestjs/swagger';

/** A signed download link to one of an import's CSV files: the rows not imported, or the change log. */
export class ReportLinkDto {
  @ApiProperty({
    description:
      'Time-limited signed link to the CSV (SIGNED_URL_TTL_SECONDS): the rows not imported, or the change log.',
    format: 'uri',
  })
  url: string;

  @ApiProperty({ description: 'When the link stops working (UTC).', format: 'date-time' })
  expiresDate: string;
}
