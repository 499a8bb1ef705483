// An ended job's not-imported rows: a bar chart by reason and a table that pages from the server
// (keyset: `after` = the last row number shown), so a million rejected rows cost one page at a time.
import { API, json, query } from './api.js';
import { el, notice, num } from './dom.js';
import { IMPORT_REASONS, REVERT_REASONS, type ImportJob, type RowPage } from './types.js';

const PAGE_SIZE = 25;

export interface ReasonCount {
  reason: string;
  count: number;
}

/** One count per reason the job can have: `total` of a one-row page filtered by it. */
export async function reasonCounts(job: ImportJob): Promise<ReasonCount[]> {
  const reasons = job.kind === 'revert' ? REVERT_REASONS : IMPORT_REASONS;
  const base = `${API}/${job.code}/rows`;
  const counts = await Promise.all(
    reasons.map(async (reason) => ({
      reason,
      count: (await json<RowPage>(`${base}${query({ reason, limit: 1 })}`)).total,
    })),
  );
  return counts.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
}

export function reasonChart(counts: ReasonCount[], onPick: (reason: string) => void): HTMLElement {
  const max = Math.max(1, ...counts.map((c) => c.count));
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const list = el('ul', { class: 'chart', id: 'reason-chart', 'aria-label': 'Rows not imported by reason' });
  for (const { reason, count } of counts) {
    const bar = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    bar.setAttribute('viewBox', '0 0 100 10');
    bar.setAttribute('preserveAspectRatio', 'none');
    bar.setAttribute('aria-hidden', 'true');
    bar.setAttribute('class', 'bar');
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    rect.setAttribute('width', String(Math.max(0.5, (count / max) * 100)));
    rect.setAttribute('height', '10');
    bar.append(rect);
    list.append(
      el(
        'li',
        { 'data-reason': reason },
        el(
          'button',
          {
            type: 'button',
            class: 'link',
            title: `Show only the ${reason} rows`,
            onclick: () => onPick(reason),
          },
          reason,
        ),
        bar,
        el('span', { class: 'count' }, num(count)),
      ),
    );
  }
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'chart-title' },
    el('h2', { id: 'chart-title' }, `Not imported by reason (${num(total)} rows)`),
    counts.length > 0 ? list : el('p', { class: 'muted' }, 'Every row was imported.'),
  );
}

/**
 * The paged table with its reason filter; `setReason` lets the chart pick the filter. It shows at once:
 * counting by reason takes seconds on a million rows, reading one page does not.
 */
export interface RowsTable {
  node: HTMLElement;
  setReason(reason: string): void;
  /** The filter lists every reason the job can have until the counts arrive, then those it has. */
  setCounts(counts: ReasonCount[]): void;
}

export function rowsTable(job: ImportJob): RowsTable {
  const select = el('select', { id: 'reason-filter' });
  const fillReasons = (options: [reason: string, label: string][]) => {
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'All reasons'));
    for (const [reason, label] of options) select.append(el('option', { value: reason }, label));
    select.value = options.some(([r]) => r === chosen) ? chosen : '';
  };
  fillReasons((job.kind === 'revert' ? REVERT_REASONS : IMPORT_REASONS).map((r) => [r, r]));
  const body = el('div', {
    class: 'table-wrap',
    id: 'rows-table',
    tabindex: 0,
    'aria-label': 'Rows not imported',
  });
  const info = el('p', { id: 'rows-info', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', id: 'rows-prev' }, 'Previous page');
  const next = el('button', { type: 'button', id: 'rows-next' }, 'Next page');
  let stack: number[] = []; // the `after` of every page before the current one
  let after = 0;
  let nextAfter: number | null = null;

  const load = async () => {
    prev.disabled = next.disabled = true;
    try {
      const page = await json<RowPage>(
        `${API}/${job.code}/rows${query({ reason: select.value, limit: PAGE_SIZE, after })}`,
      );
      nextAfter = page.nextAfter;
      const first = stack.length * PAGE_SIZE;
      info.textContent =
        page.total === 0
          ? 'No rows.'
          : `Rows ${num(first + 1)}–${num(first + page.items.length)} of ${num(page.total)} not imported`;
      body.replaceChildren(renderRows(page));
      prev.disabled = stack.length === 0;
      next.disabled = nextAfter === null;
    } catch (e) {
      body.replaceChildren(notice('error', `The rows could not be read: ${String(e)}`));
    }
  };
  const restart = () => {
    stack = [];
    after = 0;
    void load();
  };
  select.addEventListener('change', restart);
  next.addEventListener('click', () => {
    if (nextAfter === null) return;
    stack.push(after);
    after = nextAfter;
    void load();
  });
  prev.addEventListener('click', () => {
    after = stack.pop() ?? 0;
    void load();
  });
  void load();
  const node = el(
    'section',
    { class: 'card', 'aria-labelledby': 'rows-title' },
    el('h2', { id: 'rows-title' }, 'Rows not imported'),
    el('div', { class: 'field' }, el('label', { for: 'reason-filter' }, 'Reason'), select),
    info,
    body,
    el('div', { class: 'buttons pager' }, prev, next),
  );
  return {
    node,
    setReason(reason: string) {
      select.value = reason;
      restart();
      select.focus();
    },
    setCounts(counts: ReasonCount[]) {
      fillReasons(counts.map((c) => [c.reason, `${c.reason} (${num(c.count)})`]));
    },
  };
}

function renderRows(page: RowPage): HTMLElement {
  const keys: string[] = [];
  for (const row of page.items) for (const k of Object.keys(row.values)) if (!keys.includes(k)) keys.push(k);
  const withOrigin = page.items.some((r) => r.originalRowNumber !== null);
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'Row'),
    withOrigin && el('th', { scope: 'col' }, 'Row in first file'),
    ...keys.map((k) => el('th', { scope: 'col', class: 'value' }, k)),
    el('th', { scope: 'col' }, 'Outcome'),
    el('th', { scope: 'col' }, 'Reason'),
    el('th', { scope: 'col' }, 'Message'),
  );
  const rows = page.items.map((r) =>
    el(
      'tr',
      { 'data-row': r.rowNumber },
      el('td', { class: 'num' }, num(r.rowNumber)),
      withOrigin && el('td', { class: 'num' }, num(r.originalRowNumber)),
      ...keys.map((k) => el('td', { class: 'value', title: r.values[k] ?? '' }, r.values[k] ?? '')),
      el('td', {}, r.outcome),
      el('td', { class: 'reason' }, r.reason),
      el('td', { class: 'message' }, r.message),
    ),
  );
  return el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows));
}
