// The shapes of the API's answers the page reads (README: ServiceImportJobDto, rows, changes).
export type ImportStatus = 'Queued' | 'InProgress' | 'Completed' | 'Failed' | 'Cancelled';

export interface ImportJob {
  code: string;
  status: ImportStatus;
  fileName: string;
  totalItems: number | null;
  processedItems: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  skippedCount: number;
  errorCount: number;
  revertedCount: number;
  keptCount: number;
  goneCount: number;
  startedDate: string | null;
  completedDate: string | null;
  createdDate: string;
  notImportedDownloadUrl: string | null;
  failureReason: string | null;
  phase: 'Counting' | 'Importing' | 'WritingReport' | null;
  dryRun: boolean;
  mode: 'create' | 'upsert' | 'update';
  kind: 'import' | 'revert';
  committedFromCode: string | null;
  commitCode: string | null;
  retryOfCode: string | null;
  revertsCode: string | null;
  revertCode: string | null;
  commitCountersDiffer: boolean | null;
  progressPercent: number | null;
  estimatedSecondsRemaining: number | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface NotImportedRow {
  rowNumber: number;
  originalRowNumber: number | null;
  outcome: 'Skipped' | 'Error';
  reason: string;
  message: string;
  values: Record<string, string>;
}

export interface RowPage extends Page<NotImportedRow> {
  nextAfter: number | null;
}

export interface ChangeRecord {
  rowNumber: number;
  action: string;
  assignmentId: string | null;
  clientCode: string;
  serviceCode: string;
  changes: Record<string, { from: string | number | null; to: string | number | null }>;
}

export const ENDED: readonly ImportStatus[] = ['Completed', 'Failed', 'Cancelled'];

export const isEnded = (job: ImportJob) => ENDED.includes(job.status);

/** Reasons a row is not imported (the API's ImportRowReason), grouped as the API lists them. */
export const IMPORT_REASONS = [
  'CLIENT_NOT_FOUND',
  'CLIENT_INACTIVE',
  'SERVICE_NOT_FOUND',
  'ALREADY_ASSIGNED',
  'NOT_ASSIGNED',
  'DUPLICATE_IN_FILE',
  'MALFORMED_ROW',
  'MISSING_CLIENT_CODE',
  'MISSING_SERVICE_CODE',
  'INVALID_QUANTITY',
  'INVALID_UNIT_PRICE',
  'INVALID_DATE',
  'INVALID_DATE_RANGE',
  'NOTES_TOO_LONG',
];
export const REVERT_REASONS = ['CHANGED_SINCE', 'GONE'];
