import type { JobOptions } from 'bull';

export const IMPORT_QUEUE = 'service-imports';
export const PROCESS_IMPORT = 'process-import';

/** What a Bull job carries: only the import's id; everything else is read from the database. */
export interface ImportJobPayload {
  importId: string;
}

/**
 * Retry policy of an import. A re-run resumes from the last committed batch, so retrying is cheap;
 * backoff 2 s, 4 s, 8 s... rides out a database or storage restart. The Bull job id is the import id,
 * so adding the same import twice is a no-op.
 */
export function importJobOptions(importId: string, attempts: number): JobOptions {
  return {
    jobId: importId,
    attempts,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  };
}
