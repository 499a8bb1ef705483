/** How one run of an import ended; expected outcomes are values, not exceptions. */
export type RunOutcome =
  | { kind: 'completed' }
  | { kind: 'failed'; reason: string }
  /** The job was cancelled, or another worker took it over (our lease is stale): stop quietly. */
  | { kind: 'stopped'; why: 'cancelled' | 'lease-lost' | 'not-runnable' }
  /** The process is shutting down: the job is left InProgress at its checkpoint for another worker. */
  | { kind: 'abandoned' };

/** The file itself cannot be imported; retrying will not help. */
export class PermanentImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentImportError';
  }
}
