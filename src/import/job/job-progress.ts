import { ImportStatus } from './import-status';

export interface JobProgress {
  progressPercent: number | null;
  estimatedSecondsRemaining: number | null;
}

interface ProgressInput {
  status: ImportStatus;
  totalItems: number | null;
  processedItems: number;
  startedAt: Date | null;
}

/**
 * The DTO's derived progress. The percentage is rounded down to one decimal, so 100 means done; the
 * estimate divides the rows left by the row rate measured since the job started.
 */
export function jobProgress(job: ProgressInput, now: Date): JobProgress {
  const final = job.status !== ImportStatus.Queued && job.status !== ImportStatus.InProgress;
  let progressPercent: number | null = null;
  if (job.status === ImportStatus.Completed) progressPercent = 100;
  else if (job.totalItems !== null) {
    progressPercent =
      job.totalItems <= 0 ? 0 : Math.min(100, Math.floor((job.processedItems * 1000) / job.totalItems) / 10);
  }
  return { progressPercent, estimatedSecondsRemaining: final ? 0 : estimate(job, now) };
}

function estimate(job: ProgressInput, now: Date): number | null {
  if (job.status !== ImportStatus.InProgress || job.totalItems === null || job.startedAt === null)
    return null;
  const left = Math.max(0, job.totalItems - job.processedItems);
  if (left === 0) return 0;
  const elapsedSeconds = (now.getTime() - job.startedAt.getTime()) / 1000;
  if (job.processedItems <= 0 || elapsedSeconds <= 0) return null;
  return Math.ceil(left / (job.processedItems / elapsedSeconds));
}
