// What can be done with an ended job: commit a dry run, retry the rows not imported (by reason),
// undo (revert), download the report. Each shows only when the API would accept it.
import { API, downloadSigned, post, query } from './api.js';
import { el, importLink, notice, num } from './dom.js';
import type { ReasonCount } from './rows.js';
import type { ImportJob } from './types.js';

export function actions(job: ImportJob, counts: ReasonCount[], open: (code: string) => void): HTMLElement {
  const status = el('div', { class: 'action-status', 'aria-live': 'polite' });
  const run = (button: HTMLButtonElement, what: string, path: string) => {
    button.disabled = true;
    post(path)
      .then((next) => open(next.code))
      .catch((e: unknown) => {
        status.replaceChildren(
          notice('error', `${what} was refused: ${e instanceof Error ? e.message : String(e)}`),
        );
        button.disabled = false;
      });
  };
  const base = `${API}/${job.code}`;
  const box = el('div', { class: 'actions' });
  const notImported =
    job.kind === 'revert' ? job.keptCount + job.goneCount : job.skippedCount + job.errorCount;

  if (job.kind === 'import' && job.dryRun && job.status === 'Completed') {
    if (job.commitCode) box.append(el('p', {}, 'Committed as ', importLink(job.commitCode)));
    else {
      const commit = el(
        'button',
        { type: 'button', class: 'primary', id: 'commit-button' },
        'Commit: import it for real',
      );
      commit.addEventListener('click', () => run(commit, 'The commit', `${base}/commit`));
      box.append(commit);
    }
  }
  if (job.status === 'Completed' && notImported > 0) {
    const report = el('button', { type: 'button', id: 'report-button' }, 'Download the report (CSV)');
    report.addEventListener('click', () => {
      downloadSigned(`${base}/not-imported`).catch((e: unknown) =>
        status.replaceChildren(notice('error', `The report could not be downloaded: ${String(e)}`)),
      );
    });
    box.append(report);
  }
  if (job.kind === 'import' && notImported > 0) box.append(retryControls(job, counts, run));
  if (job.kind === 'import' && !job.dryRun) {
    if (job.revertCode) box.append(el('p', {}, 'Undone by ', importLink(job.revertCode)));
    else if (job.processedItems > 0) {
      const undo = el('button', { type: 'button', class: 'danger', id: 'undo-button' }, 'Undo this import');
      undo.addEventListener('click', () => {
        const what = `Undo import ${job.fileName}? Assignments it created are deleted, those it updated get their old values back.`;
        if (window.confirm(what)) run(undo, 'The undo', `${base}/revert`);
      });
      box.append(undo);
    }
  }
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'actions-title' },
    el('h2', { id: 'actions-title' }, 'Actions'),
    box.childElementCount > 0 ? box : el('p', { class: 'muted' }, 'Nothing to do for this job.'),
    status,
  );
}

function retryControls(
  job: ImportJob,
  counts: ReasonCount[],
  run: (b: HTMLButtonElement, what: string, path: string) => void,
): HTMLElement {
  const select = el('select', { id: 'retry-reason' }, el('option', { value: '' }, 'Every row not imported'));
  for (const c of counts) select.append(el('option', { value: c.reason }, `${c.reason} (${num(c.count)})`));
  const label = job.dryRun ? 'Retry as a dry run' : 'Retry';
  const button = el('button', { type: 'button', id: 'retry-button' }, label);
  button.addEventListener('click', () =>
    run(
      button,
      'The retry',
      `${API}/${job.code}/retry${query({ reason: select.value, dryRun: job.dryRun ? 'true' : undefined })}`,
    ),
  );
  return el(
    'div',
    { class: 'field inline' },
    el('label', { for: 'retry-reason' }, 'Retry which rows'),
    select,
    button,
  );
}
