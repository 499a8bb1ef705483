/**
 * The input of a retry (POST /{code}/retry): another import's not-imported rows, as a CSV file of
 * their own with the original header and each row's values as uploaded, in file order. Written as
 * UTF-8, comma-separated, every cell quoted (a value may hold the delimiter, a quote or a line break;
 * quoted, it reads back exactly as it was stored), CRLF line ends, no formula guard: this file is
 * read by the import, not by a spreadsheet. A row keeps every value it had, the ones beyond the
 * header too, so a row that had too many reads back as MALFORMED_ROW again, not as a shorter row.
 */
import type { QueryRows } from '../../common/bytes-bounded-page';
import { readNotImportedPage } from '../rows/not-imported-page';

const PAGE_ROWS = 5000;
const PAGE_BYTES = 2 * 1024 * 1024;

export interface RetrySelection {
  sourceId: string;
  header: string[];
  outcome?: string;
  reason?: string;
}

/**
 * The SQL condition on service_import_rows (as `alias`, e.g. "r.") that a selection's filters make,
 * with parameters numbered from `first` on.
 */
export function retryCondition(
  selection: Pick<RetrySelection, 'outcome' | 'reason'>,
  first: number,
  alias = '',
): { sql: string; params: unknown[] } | undefined {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (selection.outcome) conditions.push(`${alias}outcome = $${first - 1 + params.push(selection.outcome)}`);
  if (selection.reason) conditions.push(`${alias}reason = $${first - 1 + params.push(selection.reason)}`);
  return conditions.length > 0 ? { sql: conditions.join(' AND '), params } : undefined;
}

export function quotedLine(values: readonly string[], width: number): string {
  let line = '';
  const cells = Math.max(width, values.length);
  for (let i = 0; i < cells; i++) {
    const value = values[i] ?? '';
    line += (i === 0 ? '"' : ',"') + (value.includes('"') ? value.replaceAll('"', '""') : value) + '"';
  }
  return line + '\r\n';
}

/** The file, chunk by chunk: a page of rows (at most 5,000 and about 2 MB) at a time. */
export async function* retryFile(query: QueryRows, selection: RetrySelection): AsyncGenerator<Buffer> {
  const width = selection.header.length;
  yield Buffer.from(quotedLine(selection.header, width));
  const filter = retryCondition(selection, 5); // readNotImportedPage's own parameters are $1 to $4
  for (let after = 0; ;) {
    const page = await readNotImportedPage(query, {
      jobId: selection.sourceId,
      after,
      filter,
      maxRows: PAGE_ROWS,
      maxBytes: PAGE_BYTES,
      bytesPerRow: 3 * width + 2,
    });
    if (page.rows.length === 0) return;
    let chunk = '';
    for (const row of page.rows) chunk += quotedLine(row.values, width);
    yield Buffer.from(chunk);
    if (!page.more) return;
    after = page.rows[page.rows.length - 1].row_number;
  }
}
