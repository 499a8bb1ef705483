/**
 * The change log file's text (no Nest, no database of its own): one line per changed field of every
 * change record, in row order, so that a spreadsheet filters it by any column. A created assignment
 * has a line for every field it was created with (from empty); an empty value and none (null) are
 * both an empty cell. The same UTF-8 with BOM, CRLF and formula guard as the not-imported report.
 */
import type { ChangePage } from '../../../../clients';
import type { AssignmentChangeDto } from '../../../../clients/dto/assignment-change.dto';
import { REPORT_BOM, csvCell, csvLine } from '../../../rules/report-csv';
import { csvPages } from './csv-pages';

export const CHANGES_HEADER = [
  'rowNumber',
  'action',
  'assignmentId',
  'clientCode',
  'serviceCode',
  'field',
  'from',
  'to',
];

export function changeLines(readPage: (after: number) => Promise<ChangePage>): AsyncGenerator<string> {
  return csvPages(
    REPORT_BOM + csvLine(CHANGES_HEADER),
    (after) => readPage(after).then((page) => ({ rows: page.items, more: page.more })),
    (change) => change.rowNumber,
    changeRecordLines,
  );
}

/** The lines of one record: one per field in `changes`, the record's own cells repeated on each. */
export function changeRecordLines(change: AssignmentChangeDto): string {
  const record =
    `${change.rowNumber},${csvCell(change.action)},${csvCell(change.assignmentId ?? '')},` +
    `${csvCell(change.clientCode)},${csvCell(change.serviceCode)},`;
  let lines = '';
  for (const [field, value] of Object.entries(change.changes)) {
    const { from, to } = value as { from: string | number | null; to: string | number | null };
    lines += `${record}${field},${csvCell(from === null ? '' : String(from))},${csvCell(to === null ? '' : String(to))}\r\n`;
  }
  // Never the case (a created assignment has a quantity, an update changes a field), but a record
  // must not vanish from the file: it gets a line with no field.
  return lines || `${record},,\r\n`;
}
