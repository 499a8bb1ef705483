/**
 * The not-imported report's text, row by row (no Nest, no database of its own): the header line, then
 * one line per kept row in file order, in pieces of about CHUNK_CHARS. Pages come from `readPage`,
 * bounded by rows and bytes (readNotImportedPage); a page is freed row by row as it is formatted.
 */
import { REPORT_BOM, csvCell, csvLine } from '../../../rules/report-csv';
import type { NotImportedRow, Page } from '../../../rows/not-imported-page';

/** Rows read from the database at once: at most this many, and at most about PAGE_BYTES of them. */
export const PAGE_ROWS = 5000;
export const PAGE_BYTES = 2 * 1024 * 1024;
/** The report leaves in pieces of about this size, each when the reader asks for more. */
const CHUNK_CHARS = 64 * 1024;

/** What a page costs per row besides its values and message: delimiters, row number, outcome, reason. */
export function reportBytesPerRow(width: number): number {
  return width + 64;
}

export async function* reportLines(
  header: string[],
  readPage: (after: number) => Promise<Page>,
): AsyncGenerator<string> {
  yield REPORT_BOM + csvLine(['rowNumber', ...header, 'outcome', 'reason', 'message']);
  const width = header.length;
  let next: Promise<Page> | null = readPage(0);
  while (next) {
    const { rows, more }: Page = await next;
    if (rows.length === 0) return;
    // The database reads the next page while this one is formatted.
    next = more ? readPage(rows[rows.length - 1].row_number) : null;
    next?.catch(() => undefined); // awaited (and thrown) on the next turn, unless the stream was abandoned
    let chunk = '';
    for (let n = 0; n < rows.length; n++) {
      chunk += reportLine(rows[n], width);
      rows[n] = undefined as unknown as NotImportedRow; // formatted: free it as the page goes
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
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
export function reportLine(row: NotImportedRow, width: number): string {
  const values = row.values;
  const present = Math.min(values.length, width);
  let line = String(row.row_number);
  for (let i = 0; i < present; i++) line += ',' + csvCell(values[i] ?? '');
  line += delimiters(width - present);
  return `${line},${csvCell(row.outcome)},${csvCell(row.reason)},${csvCell(row.message)}\r\n`;
}
