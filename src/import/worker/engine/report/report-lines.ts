/**
 * The not-imported report's text, row by row (no Nest, no database of its own): the header line, then
 * one line per kept row in file order (csvPages). Pages come from `readPage`, bounded by rows and
 * bytes (readNotImportedPage).
 */
import { REPORT_BOM, csvCell, csvLine } from '../../../rules/report-csv';
import type { NotImportedRow, Page } from '../../../rows/not-imported-page';
import { csvPages } from './csv-pages';

/** Rows read from the database at once: at most this many, and at most about PAGE_BYTES of them. */
export const PAGE_ROWS = 5000;
export const PAGE_BYTES = 2 * 1024 * 1024;

/** What a page costs per row besides its values and message: delimiters, row number, outcome, reason. */
export function reportBytesPerRow(width: number): number {
  return width + 64;
}

/**
 * `withOrigins` (the report of a retry): a column originalRowNumber after rowNumber, each row's number
 * in the file first uploaded.
 */
export function reportLines(
  header: string[],
  readPage: (after: number) => Promise<Page>,
  withOrigins = false,
): AsyncGenerator<string> {
  const width = header.length;
  const numbers = withOrigins ? ['rowNumber', 'originalRowNumber'] : ['rowNumber'];
  return csvPages(
    REPORT_BOM + csvLine([...numbers, ...header, 'outcome', 'reason', 'message']),
    readPage,
    (row) => row.row_number,
    (row) => reportLine(row, width, withOrigins),
  );
}

const DELIMITERS: string[] = [];

/** `n` delimiters: the empty cells that complete a row shorter than the header. */
function delimiters(n: number): string {
  return (DELIMITERS[n] ??= ','.repeat(n));
}

/**
 * One report line: the row number, the row's values up to the header's width (values beyond it are
 * not kept, as in the rows API), empty cells for the columns the row did not have, then outcome,
 * reason and message. The same text as csvLine() of the padded row, without building it.
 */
export function reportLine(row: NotImportedRow, width: number, withOrigin = false): string {
  const values = row.values;
  const present = Math.min(values.length, width);
  let line = String(row.row_number);
  if (withOrigin) line += ',' + String(row.original_row_number ?? '');
  for (let i = 0; i < present; i++) line += ',' + csvCell(values[i] ?? '');
  line += delimiters(width - present);
  return `${line},${csvCell(row.outcome)},${csvCell(row.reason)},${csvCell(row.message)}\r\n`;
}
