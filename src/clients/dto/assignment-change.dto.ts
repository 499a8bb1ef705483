import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../common/dto/page.dto';

export enum AssignmentChangeAction {
  Created = 'Created',
  Updated = 'Updated',
  /** A revert deleted an assignment the import created: `from` is what it held. */
  Deleted = 'Deleted',
  /** A revert gave an updated assignment back the values the update replaced. */
  Restored = 'Restored',
}

/** An integer field before and after the change. */
export class IntegerChangeDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'Before: null for a created assignment' })
  from: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'After' })
  to: number | null;
}

/** A text field (a decimal string, a YYYY-MM-DD date, notes) before and after the change. */
export class TextChangeDto {
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Before: null for a created assignment or a field that was empty',
  })
  from: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'After: null when the field was cleared' })
  to: string | null;
}

/** The fields that changed; a field that did not change is absent. */
export class AssignmentFieldChangesDto {
  @ApiPropertyOptional({ type: IntegerChangeDto, example: { from: 1, to: 3 } })
  quantity?: IntegerChangeDto;

  @ApiPropertyOptional({
    type: TextChangeDto,
    description: 'Decimal strings with two places',
    example: { from: '10.00', to: '12.50' },
  })
  unitPrice?: TextChangeDto;

  @ApiPropertyOptional({
    type: TextChangeDto,
    description: 'YYYY-MM-DD',
    example: { from: null, to: '2027-01-01' },
  })
  startDate?: TextChangeDto;

  @ApiPropertyOptional({
    type: TextChangeDto,
    description: 'YYYY-MM-DD',
    example: { from: null, to: '2027-12-31' },
  })
  endDate?: TextChangeDto;

  @ApiPropertyOptional({ type: TextChangeDto, example: { from: 'old note', to: null } })
  notes?: TextChangeDto;
}

/** One assignment an import created or updated (or, for a dry run, would). */
export class AssignmentChangeDto {
  @ApiProperty({ type: 'integer', description: 'The row of the file (1 is the first data row)', example: 2 })
  rowNumber: number;

  @ApiProperty({ enum: AssignmentChangeAction, enumName: 'AssignmentChangeAction', example: 'Updated' })
  action: AssignmentChangeAction;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The assignment; null for one a dry run would create',
  })
  assignmentId: string | null;

  @ApiProperty({ example: 'ACME-001' })
  clientCode: string;

  @ApiProperty({ example: 'CONSULT-H' })
  serviceCode: string;

  @ApiProperty({
    type: AssignmentFieldChangesDto,
    description:
      'Every field that changed, with its value before and after. For a created assignment: every field it was ' +
      'created with (from null).',
  })
  changes: AssignmentFieldChangesDto;
}

export class AssignmentChangePageDto extends PageDto {
  @ApiProperty({ type: [AssignmentChangeDto] })
  items: AssignmentChangeDto[];
}
