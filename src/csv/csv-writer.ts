/**
 * Writing CSV: UTF-8 with BOM, comma, CRLF, RFC 4180 quoting, and cells made formula-safe (a
 * spreadsheet must never run a cell that came from an uploaded file or from stored data). Used by
 * the import's reports and by the assignment export, so every file the service writes is guarded the
 * same way.
 */

/** Written first in a file, so spreadsheet programs read it as UTF-8. */
export const UTF8_BOM = '\uFEFF';

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
export function startsLikeFormula(value: string): boolean {
  if (value.length === 0) return false;
  const c = value.charCodeAt(0);
  if (c === 61 /* = */ || c === 43 /* + */ || c === 45 /* - */ || c === 64 /* @ */ || c === 9 || c === 13)
    return true;
  // Fast path for the usual cell: any other printable ASCII character first cannot hide a formula.
  if (c > 32 && c < 127) return false;
  return HIDDEN_FORMULA.test(value);
}

/** A cell's text quoted if it needs to be (delimiter, quote, line break), quotes doubled. */
export function quoteCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

/** One cell: prefixed with ' when it could run as a formula (negative numbers too), then quoted if needed. */
export function csvCell(value: string): string {
  return quoteCell(startsLikeFormula(value) ? `'${value}` : value);
}

/** One line, CRLF included. */
export function csvLine(values: string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(values[i]);
  }
  return line + '\r\n';
}
