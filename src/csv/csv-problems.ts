// The problems a scan can stop on, and the sentences a user reads about them (the upload's 400,
// the failed job's reason).
import type { CsvScanner } from './csv-scanner';

export type CsvProblemKind = 'unterminated-quote' | 'malformed-quote' | 'field-too-large' | 'row-too-large';

/** Where a scan stopped on a problem: the record (0 = header, k = data row k) and line it is in. */
export interface ScanStop {
  kind: CsvProblemKind;
  record: number;
  line: number;
}

/**
 * A run of characters took the field and/or the row over its limit; character by character the
 * field limit is checked first, so it wins when both are crossed at the same character.
 */
export function sizeProblem(fieldOver: number, rowOver: number): CsvProblemKind {
  return fieldOver >= rowOver ? 'field-too-large' : 'row-too-large';
}

export interface CsvProblem {
  kind: CsvProblemKind;
  /** Data row number (first data row = 1) of the record the problem is in. */
  rowNumber: number;
  /** A sentence a user can act on, naming the row. */
  message: string;
}

/** The problem a scan stopped on, as data row number and message; null if none. */
export function scanProblem(s: CsvScanner): CsvProblem | null {
  const stop = s.problem;
  if (stop === null) return null;
  return {
    kind: stop.kind,
    rowNumber: stop.record,
    message: problemMessage(stop.kind, stop.record, stop.line, s),
  };
}

/** `rowNumber` 0 is the header row. */
export function problemMessage(
  kind: CsvProblemKind,
  rowNumber: number,
  line: number,
  limits: { maxField: number; maxRow: number },
): string {
  const row =
    rowNumber === 0 ? `The header row (line ${line})` : `Row ${rowNumber} (line ${line} of the file)`;
  switch (kind) {
    case 'unterminated-quote':
      return (
        `${row} opens a quoted value with " that is never closed, so the rest of the file would be read ` +
        'as one value: close the quote or remove it, then upload the file again.'
      );
    case 'malformed-quote':
      return (
        `${row} has text after the closing quote of a quoted value: put the whole value in quotes and ` +
        'write each quote inside it as two quotes (""), then upload the file again.'
      );
    case 'field-too-large':
      return (
        `${row} has a value longer than ${limits.maxField} characters, the limit for one value ` +
        '(often the sign of a quote that is not closed): fix the row and upload the file again.'
      );
    case 'row-too-large':
      return (
        `${row} is longer than ${limits.maxRow} characters, the limit for one row: ` +
        'fix the row and upload the file again.'
      );
  }
}
