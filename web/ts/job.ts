// The page of one job (`#/imports/<code>`): while it runs, the live progress from its events stream
// and a cancel button; once it ended, counters, the reasons chart, the rows, the change log, actions.
import { API, getJob, post } from './api.js';
import { changeLog } from './changes.js';
import { el, importLink, notice, time } from './dom.js';
import { actions } from './actions.js';
import { counters, progressSection } from './progress.js';
import { reasonChart, reasonCounts, rowsTable } from './rows.js';
import { followEvents } from './sse.js';
import { isEnded, type ImportJob } from './types.js';

export function jobView(
  code: string,
  root: HTMLElement,
  signal: AbortSignal,
  open: (c: string) => void,
): void {
  root.replaceChildren(el('p', { class: 'muted' }, 'Loading the import…'));
  getJob(code)
    .then((job) => (isEnded(job) ? showEnded(job, root, open) : showRunning(job, root, signal, open)))
    .catch((e: unknown) =>
      root.replaceChildren(
        notice('error', `Import ${code} could not be loaded: ${e instanceof Error ? e.message : String(e)}`),
      ),
    );
}

function summary(job: ImportJob): HTMLElement {
  const what = job.kind === 'revert' ? 'Undo' : job.dryRun ? 'Dry run' : 'Import';
  const facts: [string, Node | string][] = [
    ['Code', job.code],
    ['Mode', job.mode],
    ['Uploaded', time(job.createdDate)],
    ['Started', time(job.startedDate)],
    ['Ended', time(job.completedDate)],
  ];
  const links: [string, string | null][] = [
    ['Commits the dry run', job.committedFromCode],
    ['Retries the rows of', job.retryOfCode],
    ['Undoes', job.revertsCode],
  ];
  for (const [label, c] of links) if (c) facts.push([label, importLink(c)]);
  return el(
    'section',
    { class: 'card summary', 'aria-labelledby': 'job-title' },
    el('h2', { id: 'job-title' }, `${what}: ${job.fileName}`),
    el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    job.failureReason && notice('error', `Failed: ${job.failureReason}`),
    job.commitCountersDiffer &&
      el(
        'p',
        { class: 'warn' },
        'The commit counted differently from its dry run: the data changed in between.',
      ),
  );
}

function showRunning(
  job: ImportJob,
  root: HTMLElement,
  signal: AbortSignal,
  open: (c: string) => void,
): void {
  const live = el('div', { id: 'live' });
  const cancelStatus = el('div', { 'aria-live': 'polite' });
  const cancel = el('button', { type: 'button', class: 'danger', id: 'cancel-button' }, 'Cancel');
  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    post(`${API}/${job.code}/cancel`)
      .then(() =>
        cancelStatus.replaceChildren(notice('ok', 'Cancel asked: the batches already sent finish first.')),
      )
      .catch((e: unknown) => {
        cancel.disabled = false;
        cancelStatus.replaceChildren(
          notice('error', `The cancel was refused: ${e instanceof Error ? e.message : String(e)}`),
        );
      });
  });
  const update = (j: ImportJob) => live.replaceChildren(progressSection(j), counters(j));
  update(job);
  root.replaceChildren(summary(job), live, el('div', { class: 'buttons' }, cancel), cancelStatus);
  let ended: ImportJob | null = null;
  followEvents(
    `${API}/${job.code}/events`,
    (e) => {
      if (e.event !== 'progress' && e.event !== 'end') return;
      const j = JSON.parse(e.data) as ImportJob;
      if (e.event === 'end' || isEnded(j)) ended = j;
      update(j);
    },
    signal,
  )
    .then(async () => {
      if (signal.aborted) return;
      showEnded(ended ?? (await getJob(job.code)), root, open);
    })
    .catch((e: unknown) => {
      if (signal.aborted) return;
      root.append(
        notice(
          'error',
          `The live progress stopped: ${e instanceof Error ? e.message : String(e)}. Reload to resume.`,
        ),
      );
    });
}

function showEnded(job: ImportJob, root: HTMLElement, open: (c: string) => void): void {
  const notImported =
    job.kind === 'revert' ? job.keptCount + job.goneCount : job.skippedCount + job.errorCount;
  const table = notImported > 0 ? rowsTable(job) : null;
  const pending = el(
    'p',
    { class: 'muted', id: 'details-loading' },
    'Counting the rows not imported by reason…',
  );
  const actionsSlot = el('div', {}, pending);
  const chartSlot = el('div', {});
  root.replaceChildren(
    summary(job),
    progressSection(job),
    counters(job),
    actionsSlot,
    chartSlot,
    ...(table ? [table.node] : []),
    changeLog(job),
  );
  (notImported > 0 ? reasonCounts(job) : Promise.resolve([]))
    .then((counts) => {
      actionsSlot.replaceChildren(actions(job, counts, open));
      chartSlot.replaceChildren(reasonChart(counts, (reason) => table?.setReason(reason)));
      table?.setCounts(counts);
    })
    .catch((e: unknown) =>
      actionsSlot.replaceChildren(notice('error', `The rows could not be counted: ${String(e)}`)),
    );
}
