import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../../common/dto/page.dto';
import { IMPORT_ROW_REASONS, ImportRowOutcome, ImportRowReason } from './list-service-import-rows.dto';

/** A data row that was not imported, as the not-imported report shows it. */
export class ServiceImportRowDto {
  /** The row's number among the file's data rows (1 is the first row after the header). */
  @ApiProperty({ type: 'integer', example: 4 })
  rowNumber: number;

  /**
   * For the rows of a retry (POST /{code}/retry): the row's number in the file first uploaded (a retry of
   * a retry maps through to it). Null for an import of an uploaded file.
   */
  @ApiProperty({ type: 'integer', nullable: true, example: null })
  originalRowNumber: number | null;

  @ApiProperty({ enum: ImportRowOutcome, enumName: 'ImportRowOutcome', example: ImportRowOutcome.Skipped })
  outcome: ImportRowOutcome;

  @ApiProperty({ enum: IMPORT_ROW_REASONS, enumName: 'ImportRowReason', example: 'CLIENT_NOT_FOUND' })
  reason: ImportRowReason;

  /** What is wrong, in words a person can act on */
  @ApiProperty({ example: 'No client with code "NOPE".' })
  message: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      "The row's values as uploaded, keyed by the file's original column names, in the header's order. A " +
      'column without a name is keyed "column N" (N counted from 1); a repeated name gets " (2)", " (3)"...',
    example: { 'Client Code': 'NOPE', 'Service Code': 'S1', Qty: '2', Notes: '' },
  })
  values: Record<string, string>;
}

export class ServiceImportRowPageDto extends PageDto {
  @ApiProperty({ type: [ServiceImportRowDto] })
  items: ServiceImportRowDto[];

  /**
   * More rows match after this page: pass this as `after` for the next one. Null after the last row.
   * A page is cut at `limit` rows or at about 1 MB, whichever comes first.
   */
  @ApiProperty({ type: 'integer', nullable: true, example: 120 })
  nextAfter: number | null;
}
