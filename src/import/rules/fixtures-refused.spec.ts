/**
 * The files in test/fixtures/csv that do not import: refused at upload, or accepted with a row the
 * reader stops at (the inspector says which, and the reader agrees).
 */
import { acceptedFixture, inspectFixture } from '../../../test/support/csv-fixtures';
import { UploadRejectedError } from '../../csv/upload-rejections';

describe('CSV fixtures with a row that cannot be read', () => {
  it.each<[string, string, number, number, RegExp]>([
    [
      'unterminated-quote.csv',
      'unterminated-quote',
      2,
      1,
      /^Row 2 \(line 3 of the file\) opens a quoted value/,
    ],
    [
      'malformed-quote.csv',
      'malformed-quote',
      2,
      1,
      /^Row 2 \(line 3 of the file\) has text after the closing quote/,
    ],
    [
      'oversized-field.csv',
      'field-too-large',
      2,
      1,
      /^Row 2 \(line 3 of the file\) has a value longer than 65536/,
    ],
  ])('%s', async (name, kind, rowNumber, rowCount, message) => {
    const { inspection, rows, error } = await acceptedFixture(name);
    expect(inspection.rowCount).toBe(rowCount);
    expect(inspection.problem).toEqual({ kind, rowNumber, message: expect.stringMatching(message) });
    expect(rows).toHaveLength(rowCount);
    expect(error).toMatchObject({ kind, rowNumber });
  });
});

describe('CSV fixtures that are rejected at upload', () => {
  it.each<[string, 400 | 415, RegExp]>([
    ['empty.csv', 400, /^The file is empty/],
    ['whitespace-only.csv', 400, /^The file is empty/],
    [
      'missing-column.csv',
      400,
      /^Missing required column\(s\): serviceCode\. Found columns: clientCode, qty, price\./,
    ],
    ['duplicate-columns.csv', 400, /^Duplicate column\(s\)/],
    ['binary.xlsx', 415, /^The file is an Excel workbook \(\.xlsx\/zip\)/],
    ['pdf.csv', 415, /^The file is a PDF document, not CSV/],
    ['nul-bytes.csv', 415, /^The file contains NUL bytes/],
  ])('%s → %i', async (name, status, message) => {
    const { error } = await inspectFixture(name);
    expect(error).toBeInstanceOf(UploadRejectedError);
    expect(error).toMatchObject({ status, message: expect.stringMatching(message) });
  });
});
