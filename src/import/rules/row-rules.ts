/**
 * The value rules of one data row, checked before any database lookup (a row with a value error is
 * an error even when its client is unknown). Plain functions and object literals: this runs once per
 * row, a million times per big import.
 */
import { CLEAR, type AssignmentSkipReason, type AssignmentValues } from '../../clients';
import { ColumnMap } from './columns';
import { isClearToken, readCell } from '../../csv/assignment-format';

export type ErrorReason =
  | 'MALFORMED_ROW'
  | 'MISSING_CLIENT_CODE'
  | 'MISSING_SERVICE_CODE'
  | 'INVALID_QUANTITY'
  | 'INVALID_UNIT_PRICE'
  | 'INVALID_DATE'
  | 'INVALID_DATE_RANGE'
  | 'NOTES_TOO_LONG'
  /** A workbook cell holds a formula without a calculated value. */
  | 'FORMULA_WITHOUT_VALUE'
  /** A workbook cell holds an error value (#N/A, #DIV/0!...). */
  | 'CELL_ERROR_VALUE';

/** In the order the checks run: when several apply, the first one is reported. */
export const ERROR_REASONS: readonly ErrorReason[] = [
  // Workbooks only: a cell the reader cannot read makes the row an Error before any value rule.
  'FORMULA_WITHOUT_VALUE',
  'CELL_ERROR_VALUE',
  'MALFORMED_ROW',
  'MISSING_CLIENT_CODE',
  'MISSING_SERVICE_CODE',
  'INVALID_QUANTITY',
  'INVALID_UNIT_PRICE',
  'INVALID_DATE',
  'INVALID_DATE_RANGE',
  'NOTES_TOO_LONG',
];

/** Why a valid row was not assigned: Clients decides (AssignmentBulkService), one type for both. */
export type SkipReason = AssignmentSkipReason;

export const SKIP_REASONS: readonly SkipReason[] = [
  'CLIENT_NOT_FOUND',
  'CLIENT_INACTIVE',
  'SERVICE_NOT_FOUND',
  'ALREADY_ASSIGNED',
  'NOT_ASSIGNED',
  'DUPLICATE_IN_FILE',
];

export const SKIP_MESSAGES: Readonly<
  Record<SkipReason, (clientCode: string, serviceCode: string) => string>
> = {
  CLIENT_NOT_FOUND: (clientCode) => `No client with code "${clientCode}".`,
  CLIENT_INACTIVE: (clientCode) =>
    `Client "${clientCode}" is inactive; services are not assigned to inactive clients.`,
  SERVICE_NOT_FOUND: (_clientCode, serviceCode) => `No billable service with code "${serviceCode}".`,
  ALREADY_ASSIGNED: (clientCode, serviceCode) =>
    `Client "${clientCode}" already has service "${serviceCode}".`,
  NOT_ASSIGNED: (clientCode, serviceCode) =>
    `Client "${clientCode}" does not have service "${serviceCode}"; update mode changes only assigned ` +
    'services (use upsert to add it).',
  // The first row's number is added by the engine (DUPLICATE_IN_FILE names it).
  DUPLICATE_IN_FILE: (clientCode, serviceCode) =>
    `Client "${clientCode}" and service "${serviceCode}" are on an earlier row of this file, which is the one ` +
    'applied; this row was not.',
};

/** INVALID_DATE_RANGE found once a row's values are merged with the stored ones (upsert, update). */
export function mergedRangeMessage(startDate: string, endDate: string): string {
  return (
    `With this row the service would end on ${endDate}, before it starts on ${startDate} (an empty cell keeps ` +
    'the stored value): give both dates, or clear one.'
  );
}

/** The DUPLICATE_IN_FILE message, naming the row that was applied. */
export function duplicateMessage(clientCode: string, serviceCode: string, firstRow: number): string {
  return (
    `Client "${clientCode}" and service "${serviceCode}" are on row ${firstRow} of this file, which is the one ` +
    'applied; this row was not.'
  );
}

export function skipMessage(reason: SkipReason, clientCode: string, serviceCode: string): string {
  return SKIP_MESSAGES[reason](clientCode, serviceCode);
}

export interface ValidRow extends AssignmentValues {
  ok: true;
}

export interface InvalidRow {
  ok: false;
  reason: ErrorReason;
  message: string;
}

export type RowVerdict = ValidRow | InvalidRow;

export const MAX_QUANTITY = 2147483647;
export const MAX_UNIT_PRICE = '9999999999.99';
/** Counted in Unicode code points (an emoji is one), not UTF-16 code units. */
export const MAX_NOTES_LENGTH = 1000;

const WHOLE_NUMBER = /^[0-9]+$/;
const PRICE_POINT = /^([0-9]+)(?:\.([0-9]{1,2}))?$/;
const PRICE_POINT_OR_COMMA = /^([0-9]+)(?:[.,]([0-9]{1,2}))?$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** A row is blank (not a row at all) when every field is empty after trimming. */
export function isBlankRecord(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    if (fields[i].trim() !== '') return false;
  }
  return true;
}

/**
 * Checks one data row. `fields` are trimmed (as the reader yields them); `headerLength` is the
 * number of header columns; `decimalComma` accepts "12,50" in unitPrice (semicolon files);
 * `clearable` (upsert and update) reads the clear token in startDate, endDate and notes as "clear it".
 */
export function validateRow(
  fields: string[],
  columns: ColumnMap,
  headerLength: number,
  decimalComma: boolean,
  clearable = false,
): RowVerdict {
  for (let i = headerLength; i < fields.length; i++) {
    if (fields[i] !== '') {
      return invalid(
        'MALFORMED_ROW',
        `The row has more values than the header has columns (${headerLength}); the first extra value is ` +
          `"${fields[i]}". Put values that contain the delimiter in quotes.`,
      );
    }
  }
  // Each value is read through readCell (a guarding ' dropped), after the clear token is looked for
  // in the cell as written: "'#CLEAR" is the text #CLEAR, never the token.
  const clientCode = readCell(value(fields, columns.clientCode));
  if (clientCode === '') return invalid('MISSING_CLIENT_CODE', 'The client code is empty.');
  const serviceCode = readCell(value(fields, columns.serviceCode));
  if (serviceCode === '') return invalid('MISSING_SERVICE_CODE', 'The service code is empty.');

  let clear = 0;
  const quantityCell = value(fields, columns.quantity);
  let quantity: number | null = null;
  if (clearable && isClearToken(quantityCell)) {
    return invalid('INVALID_QUANTITY', 'The quantity cannot be cleared: leave the cell empty to keep it.');
  }
  const quantityText = readCell(quantityCell);
  if (quantityText !== '') {
    quantity = WHOLE_NUMBER.test(quantityText) ? Number(quantityText) : 0;
    if (quantity > MAX_QUANTITY) {
      return invalid('INVALID_QUANTITY', `Quantity "${quantityText}" is too large: at most ${MAX_QUANTITY}.`);
    }
    if (quantity < 1) {
      return invalid('INVALID_QUANTITY', `Quantity "${quantityText}" is not a whole number of at least 1.`);
    }
  }

  const priceCell = value(fields, columns.unitPrice);
  let unitPrice: string | null = null;
  if (clearable && isClearToken(priceCell)) {
    return invalid(
      'INVALID_UNIT_PRICE',
      'The unit price cannot be cleared: leave the cell empty to keep it.',
    );
  }
  const priceText = readCell(priceCell);
  if (priceText !== '') {
    unitPrice = normalizePrice(priceText, decimalComma);
    if (unitPrice === null) {
      const example = decimalComma ? '12.50 or 12,50' : '12.50';
      return invalid(
        'INVALID_UNIT_PRICE',
        `Unit price "${priceText}" is not an amount of at least 0 with at most 2 decimals (for example ${example}, ` +
          'without currency symbol or thousands separator).',
      );
    }
    if (unitPrice.length > MAX_UNIT_PRICE.length) {
      return invalid(
        'INVALID_UNIT_PRICE',
        `Unit price "${priceText}" is too large: at most ${MAX_UNIT_PRICE}.`,
      );
    }
  }

  let startDate = value(fields, columns.startDate);
  if (clearable && isClearToken(startDate)) {
    clear |= CLEAR.startDate;
    startDate = '';
  } else startDate = readCell(startDate);
  if (startDate !== '' && !isCalendarDate(startDate)) {
    return invalid('INVALID_DATE', `Start date "${startDate}" is not a real date in the form YYYY-MM-DD.`);
  }
  let endDate = value(fields, columns.endDate);
  if (clearable && isClearToken(endDate)) {
    clear |= CLEAR.endDate;
    endDate = '';
  } else endDate = readCell(endDate);
  if (endDate !== '' && !isCalendarDate(endDate)) {
    return invalid('INVALID_DATE', `End date "${endDate}" is not a real date in the form YYYY-MM-DD.`);
  }
  if (startDate !== '' && endDate !== '' && endDate < startDate) {
    return invalid('INVALID_DATE_RANGE', `End date "${endDate}" is before start date "${startDate}".`);
  }

  let notes = value(fields, columns.notes);
  if (clearable && isClearToken(notes)) {
    clear |= CLEAR.notes;
    notes = '';
  } else notes = readCell(notes);
  if (notes.length > MAX_NOTES_LENGTH) {
    const length = codePointLength(notes);
    if (length > MAX_NOTES_LENGTH) {
      return invalid(
        'NOTES_TOO_LONG',
        `The notes are ${length} characters long: at most ${MAX_NOTES_LENGTH}.`,
      );
    }
  }

  return {
    ok: true,
    clientCode,
    serviceCode,
    quantity,
    unitPrice,
    startDate: startDate === '' ? null : startDate,
    endDate: endDate === '' ? null : endDate,
    notes: notes === '' ? null : notes,
    clear,
  };
}

function invalid(reason: ErrorReason, message: string): InvalidRow {
  return { ok: false, reason, message };
}

function value(fields: string[], index: number): string {
  return index >= 0 && index < fields.length ? fields[index] : '';
}

/** "012,5" → "12.50"; null when not a plain non-negative amount with at most 2 decimals. */
export function normalizePrice(text: string, decimalComma: boolean): string | null {
  const match = (decimalComma ? PRICE_POINT_OR_COMMA : PRICE_POINT).exec(text);
  if (match === null) return null;
  let whole = match[1];
  let start = 0;
  while (start < whole.length - 1 && whole.charCodeAt(start) === 48) start++;
  if (start > 0) whole = whole.slice(start);
  const fraction = match[2] ?? '';
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD naming a day that exists (Gregorian calendar, year 0001 to 9999). */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** Unicode code points: a surrogate pair counts once. */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
