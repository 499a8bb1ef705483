/**
 * The rows of one workbook sheet as the import reads them, the same shape as a CSV's: the header is
 * the first row that is not empty, data rows are numbered from 1 after it, empty rows are not rows,
 * values are trimmed text (cell-text.ts). Both the upload inspection and the parse thread read a
 * workbook through here, so what one counts and refuses is what the other reads.
 */
import type { Readable } from 'node:stream';
import { defaultMaxRowChars } from '../csv-limits';
import { CsvFormatError, type DataRow } from '../row-reader';
import { cellText } from './cell-text';
import { openSheet, type SheetOptions } from './workbook-sheet';
import { emptySheet } from './xlsx-rejections';

export type CellProblemKind = 'no-cached-value' | 'error-value';

/** A cell of the row that cannot be read: the row is an Error row, the rest of the sheet reads on. */
export interface CellProblem {
  kind: CellProblemKind;
  message: string;
}

export interface XlsxReadOptions extends SheetOptions {
  /** Longest value, in characters (UTF-16 code units), as for CSV. */
  maxFieldChars: number;
}

export interface SheetRecord {
  /** The row's number in the sheet (row 1 is the sheet's first). */
  sheetRow: number;
  /** Trimmed values from column A, without the empty cells after the last value. */
  fields: string[];
  problem: CellProblem | null;
}

export interface OpenedRecords {
  sheet: string;
  sheetNames: string[];
  /** The header row (the first that is not empty) first, then the data rows. */
  records: AsyncGenerator<SheetRecord>;
}

export function columnName(col: number): string {
  let name = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function problemMessage(kind: CellProblemKind, ref: string, detail: string): string {
  return kind === 'no-cached-value'
    ? `Cell ${ref} holds the formula ${detail} but no calculated value (the file was written by a program ` +
        'that does not calculate, or the formula ends in an error such as #N/A): open it in Excel or LibreOffice, ' +
        'fix or recalculate it, save it and upload again.'
    : `Cell ${ref} holds the error value ${detail}: fix the formula or the value, then import the row again.`;
}

export async function openRecords(input: Readable, options: XlsxReadOptions): Promise<OpenedRecords> {
  const sheet = await openSheet(input, options);
  async function* records(): AsyncGenerator<SheetRecord> {
    for await (const row of sheet.rows) {
      const values = row.values;
      const fields: string[] = [];
      let problem: CellProblem | null = null;
      let last = 0;
      for (let col = 1; col < values.length; col++) {
        const value = values[col];
        if (value === undefined || value === null) {
          fields.push('');
          continue;
        }
        const read = cellText(value, row.getCell(col).numFmt, sheet.date1904);
        if ('problem' in read) {
          problem ??= {
            kind: read.problem,
            message: problemMessage(read.problem, `${columnName(col)}${row.number}`, read.detail),
          };
          fields.push(read.detail); // the report shows what the cell held
          last = col;
          continue;
        }
        const text = read.text.trim();
        fields.push(text);
        if (text !== '') last = col;
      }
      if (last === 0) continue; // an empty row is not a row
      fields.length = last;
      yield { sheetRow: row.number, fields, problem };
    }
  }
  return { sheet: sheet.name, sheetNames: sheet.sheetNames, records: records() };
}

/** A value or a row over its limit, as the sentence naming it (data row `rowNumber`, sheet row). */
export function sizeProblem(
  record: SheetRecord,
  rowNumber: number,
  sheet: string,
  maxFieldChars: number,
): string | null {
  const maxRow = defaultMaxRowChars(maxFieldChars);
  let total = 0;
  const where = `${rowNumber === 0 ? 'The header row' : `Row ${rowNumber}`} (row ${record.sheetRow} of sheet "${sheet}")`;
  for (const field of record.fields) {
    if (field.length > maxFieldChars) {
      return `${where} has a value longer than ${maxFieldChars} characters, the limit for one value: fix the row and upload the file again.`;
    }
    total += field.length;
  }
  if (total > maxRow) {
    return `${where} is longer than ${maxRow} characters, the limit for one row: fix the row and upload the file again.`;
  }
  return null;
}

/**
 * Yields the data rows of the sheet, as readDataRows does a CSV's: the header row read and not
 * yielded, a row with a value over the limit a CsvFormatError after every row before it. A row with
 * a cell that cannot be read carries the problem for its Error row.
 */
export async function* readSheetDataRows(
  input: Readable,
  options: XlsxReadOptions,
): AsyncGenerator<DataRow & { problem?: CellProblem }> {
  const { sheet, records } = await openRecords(input, options);
  let rowNumber = -1;
  try {
    for await (const record of records) {
      rowNumber++;
      const tooLong = sizeProblem(record, rowNumber, sheet, options.maxFieldChars);
      if (tooLong !== null) throw new CsvFormatError('field-too-large', rowNumber, tooLong);
      if (rowNumber === 0) continue;
      yield record.problem === null
        ? { rowNumber, fields: record.fields }
        : { rowNumber, fields: record.fields, problem: record.problem };
    }
    if (rowNumber < 0) throw emptySheet(sheet);
  } finally {
    await records.return(undefined);
    if (!input.destroyed) input.destroy();
  }
}
