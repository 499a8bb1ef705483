// A running job: the progress bar, phase, rows done/total, rows/s and ETA, and live counters, all
// from the job as the events stream sends it.
import { duration, el, num, percent, rate } from './dom.js';
import type { ImportJob } from './types.js';

const PHASES: Record<string, string> = {
  Counting: 'Counting the rows',
  Importing: 'Importing',
  WritingReport: 'Writing the report',
};

export function statusText(job: ImportJob): string {
  if (job.status !== 'InProgress') return job.status;
  return job.phase ? (PHASES[job.phase] ?? job.phase) : 'In progress';
}

export function progressSection(job: ImportJob): HTMLElement {
  const fraction = job.totalItems ? job.processedItems / job.totalItems : job.status === 'Completed' ? 1 : 0;
  const bar = el('progress', { id: 'progress', max: 100, 'aria-labelledby': 'progress-label' });
  if (job.totalItems !== null || job.status === 'Completed') bar.value = Math.round(fraction * 1000) / 10;
  const parts: string[] = [
    `${num(job.processedItems)} of ${job.totalItems === null ? 'not counted yet' : num(job.totalItems)} rows`,
  ];
  if (job.totalItems) parts.push(percent(fraction));
  const started = job.startedDate ? Date.parse(job.startedDate) : NaN;
  const end = job.completedDate ? Date.parse(job.completedDate) : Date.now();
  const seconds = (end - started) / 1000;
  if (!Number.isNaN(started) && seconds >= 0.5 && job.processedItems / seconds >= 1) {
    parts.push(`${rate(job.processedItems / seconds)} rows/s`);
  }
  if (job.status === 'InProgress' && job.estimatedSecondsRemaining !== null) {
    parts.push(`about ${duration(job.estimatedSecondsRemaining)} left`);
  }
  return el(
    'section',
    { class: 'progress card', 'aria-labelledby': 'progress-label' },
    el('h2', { id: 'progress-label' }, el('span', { id: 'job-status' }, statusText(job))),
    bar,
    el('p', { id: 'progress-text' }, parts.join(' · ')),
  );
}

/** The counters at a glance (an import's, or a revert's own). */
export function counters(job: ImportJob): HTMLElement {
  const would = job.dryRun ? ' (would be)' : '';
  const items: [string, string, number][] =
    job.kind === 'revert'
      ? [
          ['reverted', `Reverted${would}`, job.revertedCount],
          ['kept', 'Kept (changed since)', job.keptCount],
          ['gone', 'Gone', job.goneCount],
        ]
      : [
          ['created', `Created${would}`, job.createdCount],
          ['updated', `Updated${would}`, job.updatedCount],
          ['unchanged', 'Unchanged', job.unchangedCount],
          ['skipped', 'Skipped', job.skippedCount],
          ['errors', 'Errors', job.errorCount],
        ];
  return el(
    'dl',
    { class: 'counters', id: 'counters', 'aria-label': 'Counters' },
    ...items.map(([id, label, value]) =>
      el(
        'div',
        { class: `counter ${id}` },
        el('dt', {}, label),
        el('dd', { 'data-counter': id }, num(value)),
      ),
    ),
  );
}
