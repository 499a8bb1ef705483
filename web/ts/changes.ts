// The change log of an import (or a dry run: what it would change): old -> new per field, paged.
import { API, downloadSigned, json, query } from './api.js';
import { el, notice, num } from './dom.js';
import type { ChangeRecord, ImportJob, Page } from './types.js';

const PAGE_SIZE = 25;

export function changeLog(job: ImportJob): HTMLElement {
  const body = el('div', {
    class: 'table-wrap',
    id: 'changes-table',
    tabindex: 0,
    'aria-label': 'Change log',
  });
  const info = el('p', { id: 'changes-info', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', id: 'changes-prev' }, 'Previous page');
  const next = el('button', { type: 'button', id: 'changes-next' }, 'Next page');
  const download = el('button', { type: 'button', id: 'changes-download' }, 'Download the change log (CSV)');
  const status = el('div', { 'aria-live': 'polite' });
  let page = 1;

  const load = async () => {
    prev.disabled = next.disabled = true;
    try {
      const answer = await json<Page<ChangeRecord>>(
        `${API}/${job.code}/changes${query({ page, limit: PAGE_SIZE })}`,
      );
      const first = (page - 1) * PAGE_SIZE;
      info.textContent =
        answer.total === 0
          ? 'Nothing was changed.'
          : `Changes ${num(first + 1)}–${num(first + answer.items.length)} of ${num(answer.total)}`;
      body.replaceChildren(...(answer.items.length > 0 ? [render(answer.items)] : []));
      body.hidden = answer.items.length === 0;
      prev.disabled = page === 1;
      next.disabled = first + answer.items.length >= answer.total;
      download.hidden = answer.total === 0 || job.status !== 'Completed';
    } catch (e) {
      body.replaceChildren(notice('error', `The change log could not be read: ${String(e)}`));
    }
  };
  prev.addEventListener('click', () => {
    page = Math.max(1, page - 1);
    void load();
  });
  next.addEventListener('click', () => {
    page += 1;
    void load();
  });
  download.addEventListener('click', () => {
    downloadSigned(`${API}/${job.code}/changes.csv`).catch((e: unknown) =>
      status.replaceChildren(notice('error', `The change log file is not ready: ${String(e)}`)),
    );
  });
  void load();
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'changes-title' },
    el('h2', { id: 'changes-title' }, job.dryRun ? 'Change log (what it would change)' : 'Change log'),
    info,
    body,
    el('div', { class: 'buttons pager' }, prev, next, download),
    status,
  );
}

/** A change's value as the API gives it: a number, a decimal or date string, or null. */
const show = (v: string | number | null) => (v === null || v === '' ? '(empty)' : String(v));

function render(items: ChangeRecord[]): HTMLElement {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Row', 'Action', 'Client', 'Service', 'Changes (old → new)'].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...items.map((c) =>
        el(
          'tr',
          {},
          el('td', { class: 'num' }, num(c.rowNumber)),
          el('td', {}, c.action),
          el('td', {}, c.clientCode),
          el('td', {}, c.serviceCode),
          el(
            'td',
            {},
            el(
              'ul',
              { class: 'changes' },
              ...Object.entries(c.changes).map(([field, { from, to }]) =>
                el('li', {}, el('span', { class: 'field-name' }, field), ': ', show(from), ' → ', show(to)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
