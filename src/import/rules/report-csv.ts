/**
 * CSV output of the import: the not-imported report (UTF-8 with BOM, comma, CRLF, RFC 4180 quoting)
 * and the template served to users. The writing itself, formula guard included, is the CSV library's
 * (src/csv/csv-writer.ts), shared with the assignment export.
 */
import { ASSIGNMENT_COLUMNS } from '../../csv/assignment-format';
import { csvLine } from '../../csv/csv-writer';

export { UTF8_BOM as REPORT_BOM, csvCell, csvLine } from '../../csv/csv-writer';

export const TEMPLATE_ROWS: readonly string[][] = [
  [...ASSIGNMENT_COLUMNS],
  ['C000001', 'S0001', '', '', '', '', ''],
  ['C000002', 'S0002', '3', '12.50', '2026-01-01', '2026-12-31', 'Billed monthly, on site'],
];

/**
 * The template at GET /api/service-imports/template: the header, a minimal row (codes only: quantity 1
 * and the catalog price apply) and a row using every column. No BOM: it is plain ASCII.
 */
export function templateCsv(): string {
  return TEMPLATE_ROWS.map(csvLine).join('');
}
