// The key's imports, newest first (GET /api/service-imports), filterable by status, each linking to
// its page.
import { listJobs } from './api.js';
import { el, notice, num, time } from './dom.js';
import type { ImportJob } from './types.js';

const PAGE_SIZE = 20;
const STATUSES = ['', 'Queued', 'InProgress', 'Completed', 'Failed', 'Cancelled'];

export function history(): HTMLElement {
  const select = el('select', { id: 'status-filter' });
  for (const s of STATUSES) select.append(el('option', { value: s }, s || 'Any status'));
  const body = el('div', { class: 'table-wrap', id: 'history-table', tabindex: 0, 'aria-label': 'Imports' });
  const info = el('p', { id: 'history-info', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', id: 'history-prev' }, 'Newer');
  const next = el('button', { type: 'button', id: 'history-next' }, 'Older');
  let page = 1;
  const load = async () => {
    prev.disabled = next.disabled = true;
    try {
      const answer = await listJobs(select.value, page, PAGE_SIZE);
      const first = (page - 1) * PAGE_SIZE;
      info.textContent =
        answer.total === 0
          ? 'No imports yet.'
          : `Imports ${num(first + 1)}–${num(first + answer.items.length)} of ${num(answer.total)}, newest first`;
      body.replaceChildren(render(answer.items));
      prev.disabled = page === 1;
      next.disabled = first + answer.items.length >= answer.total;
    } catch (e) {
      body.replaceChildren(
        notice('error', `The imports could not be listed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  };
  select.addEventListener('change', () => {
    page = 1;
    void load();
  });
  prev.addEventListener('click', () => {
    page = Math.max(1, page - 1);
    void load();
  });
  next.addEventListener('click', () => {
    page += 1;
    void load();
  });
  void load();
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title' }, 'History'),
    el('div', { class: 'field' }, el('label', { for: 'status-filter' }, 'Status'), select),
    info,
    body,
    el('div', { class: 'buttons pager' }, prev, next),
  );
}

function render(jobs: ImportJob[]): HTMLElement {
  const heads = ['Import', 'Status', 'Kind', 'Rows', 'Uploaded'];
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...jobs.map((j) =>
        el(
          'tr',
          { 'data-code': j.code },
          el(
            'td',
            { class: 'file' },
            el('a', { href: `#/imports/${j.code}` }, j.fileName),
            el('small', { class: 'code muted' }, j.code),
          ),
          el('td', {}, j.status),
          el('td', {}, j.kind === 'revert' ? 'undo' : `${j.mode}${j.dryRun ? ', dry run' : ''}`),
          el('td', { class: 'num' }, num(j.totalItems)),
          el('td', {}, time(j.createdDate)),
        ),
      ),
    ),
  );
}
