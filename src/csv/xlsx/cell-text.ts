/**
 * A workbook cell as the text a user means by it, the text a CSV of the same data would hold:
 * dates (date cells and date-formatted numbers) as YYYY-MM-DD, numbers in the shortest form that
 * reads back as the same number (12.5, never 12.499999), booleans TRUE/FALSE, rich text and
 * hyperlinks as their text, formulas as their cached result. A formula without a cached result, or
 * an error value (#N/A, #DIV/0!), cannot be read: it is a problem of its row.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isDateFmt, excelToDate } = require('exceljs/lib/utils/utils');

export type CellText = { text: string } | { problem: 'no-cached-value' | 'error-value'; detail: string };

const EMPTY: CellText = { text: '' };

/** `numFmt` is the cell's number format (for a formula's numeric result). */
export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): CellText {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { text: numberText(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: dateText(leapBugFixed(value)) };
  if (typeof value !== 'object') return EMPTY; // exceljs gives no other kind of value
  const v = value as Record<string, unknown>;
  if ('formula' in v || 'sharedFormula' in v) {
    const formula = String(v.formula ?? v.sharedFormula);
    const result = v.result;
    if (result === undefined || result === null || result === '') {
      // An empty string result is what a formula showing nothing caches: an empty cell.
      if (result === '') return EMPTY;
      return { problem: 'no-cached-value', detail: `=${formula}` };
    }
    if (typeof result === 'number' && Number.isNaN(result))
      return { problem: 'error-value', detail: `=${formula}` };
    if (typeof result === 'object' && result !== null && 'error' in result) {
      return { problem: 'error-value', detail: String(result.error) };
    }
    if (typeof result === 'number' && isDateFmt(numFmt))
      return { text: dateText(leapBugFixed(excelToDate(result, date1904))) };
    return cellText(result, numFmt, date1904);
  }
  if ('error' in v) return { problem: 'error-value', detail: String(v.error) };
  if (Array.isArray(v.richText)) return { text: richText(v.richText) };
  if ('text' in v) {
    // A hyperlink: its text (itself plain or rich), not its target.
    const text = v.text;
    if (
      typeof text === 'object' &&
      text !== null &&
      Array.isArray((text as { richText?: unknown }).richText)
    ) {
      return { text: richText((text as { richText: unknown[] }).richText) };
    }
    return { text: typeof text === 'string' || typeof text === 'number' ? String(text) : '' };
  }
  return EMPTY; // a shape exceljs does not give
}

function richText(runs: unknown[]): string {
  return runs.map((run) => (run as { text?: string }).text ?? '').join('');
}

/**
 * The number as a spreadsheet shows it at full width: rounded to 15 significant digits (Excel's
 * precision, so 0.1+0.2 and a sum stored as 12.499999999999998 read 0.3 and 12.5), then in the
 * shortest text that reads back as that number; exponent forms (1e-7, 1e+21) written out as plain
 * decimals.
 */
export function numberText(n: number): string {
  const shortest = String(Number(n.toPrecision(15)));
  if (!/e/i.test(shortest)) return shortest;
  const [mantissa, exp] = shortest.split(/e/i);
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const [intPart, frac = ''] = mantissa.replace('-', '').split('.');
  const digits = intPart + frac;
  const point = intPart.length + exponent;
  let text: string;
  if (point <= 0) text = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + text;
}

/** exceljs reads dates as UTC instants of the day (and time) written. */
export function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  // A time of day rounded by the float serial (23:59:59.9996) still belongs to its day.
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  const y = rounded.getUTCFullYear();
  const m = rounded.getUTCMonth() + 1;
  const d = rounded.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const DAY_MS = 86_400_000;
const SERIAL_1 = Date.UTC(1899, 11, 31); // what exceljs makes of serial 1, which Excel reads 1900-01-01
const SERIAL_61 = Date.UTC(1900, 2, 1);

/**
 * Excel counts a 29 February 1900 that never was (Lotus 1-2-3's bug, kept): serials 1 to 60 are one
 * day later than the plain day count exceljs converts with; from serial 61 (1900-03-01) on they agree.
 */
function leapBugFixed(date: Date): Date {
  const t = date.getTime();
  return t >= SERIAL_1 && t < SERIAL_61 ? new Date(t + DAY_MS) : date;
}
