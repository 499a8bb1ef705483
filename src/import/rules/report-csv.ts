/**
 * CSV output: the not-imported report (UTF-8 with BOM, comma, CRLF, RFC 4180 quoting) and the
 * template served to users. Report cells are made formula-safe: a spreadsheet must never run a cell
 * that came from an uploaded file.
 */

/** Written first in the report, so spreadsheet programs read it as UTF-8. */
export const REPORT_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * A formula start hidden behind characters a reader does not see or a spreadsheet may drop: spaces
 * of every kind (\s covers the no-break ones and U+FEFF), zero-width and joining characters,
 * direction marks and invisible operators; then a guarded character in its ASCII, full-width or small
 * form (= + - @, tab, carriage return, minus sign U+2212).
 */
const HIDDEN_FORMULA =
  /^[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFFA0]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B\u2212]/;

/** Characters a spreadsheet may take as the start of a formula (or that hide one). */
function startsLikeFormula(value: string): boolean {
  if (value.length === 0) return false;
  const c = value.charCodeAt(0);
  if (c === 61 /* = */ || c === 43 /* + */ || c === 45 /* - */ || c === 64 /* @ */ || c === 9 || c === 13)
    return true;
  // Fast path for the usual cell: any other printable ASCII character first cannot hide a formula.
  if (c > 32 && c < 127) return false;
  return HIDDEN_FORMULA.test(value);
}

/** One cell: prefixed with ' when it could run as a formula (negative numbers too), then quoted if needed. */
export function csvCell(value: string): string {
  const safe = startsLikeFormula(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(QUOTE, '""')}"` : safe;
}

/** One report line, CRLF included. */
export function csvLine(values: string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(values[i]);
  }
  return line + '\r\n';
}

const TEMPLATE_ROWS: readonly string[][] = [
  ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'],
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
