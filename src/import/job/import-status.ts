/** The import job's life: Queued → InProgress → Completed | Failed | Cancelled, and Queued → Cancelled. */
export enum ImportStatus {
  Queued = 'Queued',
  InProgress = 'InProgress',
  Completed = 'Completed',
  Failed = 'Failed',
  Cancelled = 'Cancelled',
}

export enum ImportPhase {
  Counting = 'Counting',
  Importing = 'Importing',
  WritingReport = 'WritingReport',
}

export const FINAL_STATUSES: readonly ImportStatus[] = [
  ImportStatus.Completed,
  ImportStatus.Failed,
  ImportStatus.Cancelled,
];
