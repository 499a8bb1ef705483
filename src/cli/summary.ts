import { ImportMode } from '../import/rules/import-mode';
import type { ApiClient, Job } from './api-client';
import { ERROR_REASONS, SKIP_REASONS } from '../import/rules/row-rules';
import { REVERT_REASONS } from '../import/rules/revert-rules';
import { formatDuration, formatInt, keyValues, table } from './format';

export interface ReasonCount {
  reason: string;
  outcome: 'Skipped' | 'Error';
  rows: number;
}

/** The most frequent reasons rows were not imported, counted by the rows endpoint (one request each). */
export async function topReasons(client: ApiClient, job: Job, max = 5): Promise<ReasonCount[]> {
  const skips = job.kind === 'revert' ? REVERT_REASONS : SKIP_REASONS;
  const wanted: [string, 'Skipped' | 'Error'][] = [
    ...(job.skippedCount > 0 ? skips.map((r) => [r, 'Skipped'] as [string, 'Skipped']) : []),
    ...(job.errorCount > 0 ? ERROR_REASONS.map((r) => [r, 'Error'] as [string, 'Error']) : []),
  ];
  const counts = await Promise.all(
    wanted.map(async ([reason, outcome]) => ({
      reason,
      outcome,
      rows: (await client.rows(job.code, { reason, limit: 1 })).total,
    })),
  );
  return counts
    .filter((c) => c.rows > 0)
    .sort((a, b) => b.rows - a.rows)
    .slice(0, max);
}

/** The job as label/value lines (status and upload summaries). */
export function jobDetails(job: Job): string {
  const pairs: [string, string][] = [
    ['Status', job.phase ? `${job.status} (${job.phase})` : job.status],
    ['File', job.fileName],
  ];
  if (job.kind === 'import' && job.mode !== ImportMode.Create) pairs.push(['Mode', job.mode]);
  if (job.dryRun) {
    pairs.push(['Dry run', 'yes: nothing was written; the counts say what a real run would do']);
  }
  if (job.committedFromCode) pairs.push(['Commits', `dry run ${job.committedFromCode}`]);
  if (job.commitCode) pairs.push(['Committed as', job.commitCode]);
  if (job.retryOfCode) pairs.push(['Retries', `rows of import ${job.retryOfCode}`]);
  if (job.revertsCode) pairs.push(['Reverts', `import ${job.revertsCode}`]);
  if (job.revertCode) pairs.push(['Reverted by', job.revertCode]);
  if (job.commitCountersDiffer) {
    pairs.push(['Note', 'the real run counted differently from the dry run: the data changed in between']);
  }
  const total = job.totalItems === null ? '?' : formatInt(job.totalItems);
  const pct = job.progressPercent === null ? '' : ` (${job.progressPercent.toFixed(1)}%)`;
  pairs.push(['Rows', `${formatInt(job.processedItems)}/${total}${pct}`], ...counters(job));
  const seconds = durationSeconds(job);
  if (seconds !== null) {
    const rate = seconds > 0 ? `, ${formatInt(job.processedItems / seconds)} rows/s` : '';
    pairs.push(['Duration', `${formatDuration(seconds)}${rate}`]);
  }
  if (job.estimatedSecondsRemaining !== null && job.status === 'InProgress') {
    pairs.push(['ETA', formatDuration(job.estimatedSecondsRemaining)]);
  }
  pairs.push(['Created at', job.createdDate]);
  if (job.failureReason) pairs.push(['Failure', job.failureReason]);
  if (job.notImportedDownloadUrl) pairs.push(['Report link', job.notImportedDownloadUrl]);
  return keyValues(pairs);
}

export function reasonsTable(reasons: ReasonCount[]): string {
  return table(
    ['Top reasons', 'Outcome', 'Rows'],
    reasons.map((r) => [r.reason, r.outcome, formatInt(r.rows)]),
    [2],
  );
}

/** An import's outcomes, or a revert's. */
function counters(job: Job): [string, string][] {
  if (job.kind === 'revert') {
    return [
      ['Reverted', formatInt(job.revertedCount)],
      ['Kept', `${formatInt(job.keptCount)} (changed since the import)`],
      ['Gone', formatInt(job.goneCount)],
    ];
  }
  return [
    ['Created', formatInt(job.createdCount)],
    ...(job.mode === ImportMode.Create
      ? []
      : ([
          ['Updated', formatInt(job.updatedCount)],
          ['Unchanged', formatInt(job.unchangedCount)],
        ] as [string, string][])),
    ['Skipped', formatInt(job.skippedCount)],
    ['Errors', formatInt(job.errorCount)],
  ];
}

function durationSeconds(job: Job): number | null {
  if (!job.startedDate) return null;
  const end = job.completedDate ? Date.parse(job.completedDate) : Date.now();
  return Math.max(0, (end - Date.parse(job.startedDate)) / 1000);
}
