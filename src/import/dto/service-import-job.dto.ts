import { ApiProperty } from '@nestjs/swagger';
import { ImportPhase, ImportStatus } from '../job/import-status';
import { CLEAR_TOKEN, ImportMode } from '../rules/import-mode';

/**
 * Represents the current status and progress of a service import job.
 * Returned when starting an import or polling for status.
 *
 * The twelve properties of the published contract carry its descriptions word for word; the
 * extras (failureReason, ...) are nullable and documented the same way.
 */
export class ServiceImportJobDto {
  @ApiProperty({
    description:
      'Unique code identifying this import job.\nUse this code to poll for status via GET /{code}.',
    example: 'q3Zb1d0Jc8d4kWmYtV7x5A',
  })
  code: string;

  @ApiProperty({ enum: ImportStatus, enumName: 'ImportStatus', example: ImportStatus.Queued })
  status: ImportStatus;

  @ApiProperty({ description: 'Original filename of the uploaded CSV file', example: 'services.csv' })
  fileName: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      "Total number of data rows to process (excluding header row).\nMay be null if the job hasn't started processing yet.",
    example: 0,
  })
  totalItems: number | null;

  @ApiProperty({ type: 'integer', description: 'Number of rows that have been processed so far', example: 0 })
  processedItems: number;

  @ApiProperty({
    type: 'integer',
    description: 'Number of client billable service records created',
    example: 0,
  })
  createdCount: number;

  @ApiProperty({
    type: 'integer',
    description: 'Number of rows skipped (client not found, service already assigned, etc.)',
    example: 0,
  })
  skippedCount: number;

  @ApiProperty({ type: 'integer', description: 'Number of rows with errors', example: 0 })
  errorCount: number;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the job started processing (UTC)',
  })
  startedDate: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the job completed processing (UTC)',
  })
  completedDate: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', description: 'When the import job was created (UTC)' })
  createdDate: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'URL to download a CSV containing rows that were not imported.\n' +
      'Only available when status is Completed and there were errors or skipped rows.\n' +
      'This is a time-limited SAS URL that expires after 60 minutes.',
  })
  notImportedDownloadUrl: string | null;

  @ApiProperty({
    type: 'integer',
    description:
      'Number of existing client billable service records updated: their pair was in the file with at least one ' +
      'value that differs from the stored one (upsert and update modes; always 0 in create mode).',
    example: 0,
  })
  updatedCount: number;

  @ApiProperty({
    type: 'integer',
    description:
      'Number of rows whose pair the client already has with every value the row gives (upsert and update modes; ' +
      'always 0 in create mode). They are imported: nothing needed to change, and they are not in the report.',
    example: 0,
  })
  unchangedCount: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Why the job failed, in words a person can act on (for example the file has more rows than allowed, or an ' +
      'unterminated quote). Set only when status is Failed.',
    example: null,
  })
  failureReason: string | null;

  // Inline, not a named schema: OpenAPI 3.0 cannot make a $ref nullable without a sibling type.
  @ApiProperty({
    type: 'string',
    enum: Object.values(ImportPhase),
    nullable: true,
    description: 'What an InProgress job is doing: Counting, Importing or WritingReport; null otherwise.',
  })
  phase: ImportPhase | null;

  @ApiProperty({
    description: 'True when the job is a dry run: nothing is written, createdCount means "would be created".',
    example: false,
  })
  dryRun: boolean;

  @ApiProperty({
    enum: ImportMode,
    enumName: 'ImportMode',
    description:
      'How pairs the client already has are treated. create: only adds (an assigned pair is skipped, ' +
      'ALREADY_ASSIGNED). upsert: adds new pairs and updates existing ones. update: only updates (a pair the ' +
      'client does not have is skipped, NOT_ASSIGNED). In upsert and update an empty cell keeps the stored value ' +
      `and ${CLEAR_TOKEN} clears startDate, endDate or notes.`,
    example: ImportMode.Create,
  })
  mode: ImportMode;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'For an import started by POST /{code}/commit: the code of the dry run it commits.',
    example: null,
  })
  committedFromCode: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'For a dry run that was committed: the code of the import that commits it.',
    example: null,
  })
  commitCode: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'For an import started by POST /{code}/retry: the code of the import whose rows it retries.',
    example: null,
  })
  retryOfCode: string | null;

  @ApiProperty({
    type: 'boolean',
    nullable: true,
    description:
      "For a committed dry run and its commit, once both have Completed: true when the real run's counters " +
      "(created, updated, unchanged, skipped, error) differ from the dry run's, because the data changed between " +
      'the two runs (a client or an assignment created or edited, another import). Null otherwise.',
    example: null,
  })
  commitCountersDiffer: boolean | null;

  @ApiProperty({
    enum: ['import', 'revert'],
    enumName: 'ServiceImportJobKind',
    description:
      'import: an upload, commit or retry. revert: the undo of another import (POST /{code}/revert), whose ' +
      'counters are revertedCount, keptCount and goneCount (createdCount, updatedCount, unchangedCount and ' +
      'errorCount stay 0; skippedCount = keptCount + goneCount; totalItems counts the change records).',
    example: 'import',
  })
  kind: 'import' | 'revert';

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'For a revert: the code of the import it undoes.',
    example: null,
  })
  revertsCode: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'For a reverted import: the code of its (real) revert.',
    example: null,
  })
  revertCode: string | null;

  @ApiProperty({
    type: 'integer',
    description:
      'A revert: assignments deleted (the import created them) or restored (it updated them); always 0 for an import.',
    example: 0,
  })
  revertedCount: number;

  @ApiProperty({
    type: 'integer',
    description:
      'A revert: assignments kept as they are because they changed after the import (CHANGED_SINCE); always 0 for an import.',
    example: 0,
  })
  keptCount: number;

  @ApiProperty({
    type: 'integer',
    description:
      'A revert: assignments the import created or updated that no longer exist (GONE); always 0 for an import.',
    example: 0,
  })
  goneCount: number;

  @ApiProperty({
    type: 'number',
    nullable: true,
    minimum: 0,
    maximum: 100,
    description:
      'processedItems as a percentage of totalItems (0-100, rounded down to one decimal; 100 when Completed). ' +
      'Null while totalItems is not known yet.',
    example: 42.5,
  })
  progressPercent: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    description:
      'Seconds until the last row is processed, from the row rate measured since startedDate. Null while ' +
      'unknown (not started, or no batch committed yet); 0 once the job has ended.',
    example: 12,
  })
  estimatedSecondsRemaining: number | null;
}
