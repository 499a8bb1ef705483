/**
 * A retry's file must read back as exactly the rows it was written from: the same values (as the
 * reader stores them: trimmed), the same number of rows, in order, whatever the values hold (the
 * delimiter, quotes, line breaks, a BOM character, non-ASCII text, more values than the header).
 * Random rows over an alphabet rich in CSV syntax, read back by the reader and the inspector the
 * worker and the upload use.
 */
import fc from 'fast-check';
import { inspectBytes, readBytes } from '../../../test/support/csv-test-streams';
import { IMPORT_HEADER } from '../rules/columns';
import { quotedLine, retryFile } from './retry-file';

const HEADER = ['clientCode', 'serviceCode', 'quantity', 'notes'];
const ALPHABET = [
  'a',
  'Z',
  ' ',
  '"',
  ',',
  ';',
  '\t',
  '\r',
  '\n',
  '\r\n',
  'é',
  '€',
  '\ufeff',
  '\u2028',
  '#CLEAR',
  '=',
];
const cell = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((parts) => parts.join('').trim());
// Stored rows are never blank (the reader skips a row whose values are all empty) and may be longer
// than the header (MALFORMED_ROW keeps every value).
const storedRow = fc
  .array(cell, { minLength: 1, maxLength: HEADER.length + 2 })
  .filter((values) => values.some((v) => v !== ''));

function fileOf(rows: string[][]): Buffer {
  return Buffer.from([HEADER, ...rows].map((values) => quotedLine(values, HEADER.length)).join(''));
}

describe('the retry file', () => {
  it('reads back as the rows it was written from, every shape of value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(storedRow, { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        async (rows, chunk) => {
          const bytes = fileOf(rows);
          const reading = await readBytes(
            bytes,
            { encoding: 'utf-8', delimiter: ',', maxFieldChars: 1000 },
            chunk,
          );
          expect(reading.error).toBeNull();
          // A row shorter than the header was padded with empty cells: the reader gives them back.
          const padded = rows.map((values) => [
            ...values,
            ...Array(Math.max(0, HEADER.length - values.length)).fill(''),
          ]);
          expect(reading.rows.map((r) => r.fields)).toEqual(padded);
          const inspection = await inspectBytes(bytes, { header: IMPORT_HEADER, maxFieldChars: 1000 });
          expect(inspection.result).toMatchObject({
            encoding: 'utf-8',
            delimiter: ',',
            header: HEADER,
            rowCount: rows.length,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pages through the source rows in file order, and stops at the last one', async () => {
    const rows = Array.from({ length: 12_345 }, (_, i) => ({
      row_number: 2 * i + 1,
      outcome: 'Skipped',
      reason: 'CLIENT_NOT_FOUND',
      message: 'x',
      values: [`C${i}`, 'S1', '', `n${i}`],
    }));
    const asked: unknown[][] = [];
    const query = async (_sql: string, params: unknown[]) => {
      asked.push(params);
      const after = params[1] as number;
      const limit = params[2] as number;
      const page = rows.filter((r) => r.row_number > after).slice(0, limit + 1);
      return page.map((r) => ({ ...r, fetched: page.length }));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of retryFile(query, {
      sourceId: 'j',
      header: HEADER,
      reason: 'CLIENT_NOT_FOUND',
    })) {
      chunks.push(chunk);
    }
    const reading = await readBytes(Buffer.concat(chunks), {
      encoding: 'utf-8',
      delimiter: ',',
      maxFieldChars: 1000,
    });
    expect(reading.rows.map((r) => r.fields)).toEqual(rows.map((r) => r.values));
    expect(asked.length).toBe(3); // 5,000 rows a page
    expect(asked.every((params) => params[4] === 'CLIENT_NOT_FOUND')).toBe(true);
  });
});
