/**
 * The csv-spectrum acid tests (npm devDependency `csv-spectrum`): the reader yields what each case's
 * JSON says, and the inspector counts the same rows and finds the same header.
 */
import { readFileSync, readdirSync } from 'fs';
import { dirname, join } from 'path';
import { inspectBytes, readBytes } from '../../test/support/csv-test-streams';
import { findHeader } from './header-detection';

const SPECTRUM = dirname(require.resolve('csv-spectrum/package.json'));
const CASES = readdirSync(join(SPECTRUM, 'csvs'))
  .filter((file) => file.endsWith('.csv'))
  .map((file) => file.slice(0, -'.csv'.length))
  .sort();

type Row = Record<string, string>;

/**
 * Two known mistakes in csv-spectrum 2.0.0's expectations, both open upstream
 * (max-mapper/csv-spectrum#20, #22): location_coordinates.json is an object instead of an array,
 * and its phone number (1234567890) is not the one in the CSV (2095257564).
 */
function load(name: string): { bytes: Buffer; expected: Row[] } {
  const json = JSON.parse(readFileSync(join(SPECTRUM, 'json', `${name}.json`), 'utf8')) as Row | Row[];
  const expected = Array.isArray(json) ? json : [json];
  if (name === 'location_coordinates' && expected[0]['Contact Phone Number'] === '1234567890') {
    expected[0]['Contact Phone Number'] = '2095257564';
  }
  return { bytes: readFileSync(join(SPECTRUM, 'csvs', `${name}.csv`)), expected };
}

describe('csv-spectrum', () => {
  it('has its cases', () => {
    expect(CASES).toEqual(
      expect.arrayContaining(['comma_in_quotes', 'escaped_quotes', 'newlines_crlf', 'utf8']),
    );
  });

  it.each(CASES)('%s: the reader yields the expected rows', async (name) => {
    const { bytes, expected } = load(name);
    const limits = { maxFieldChars: 65536, maxRowChars: 1 << 20 };
    expect(findHeader(bytes.toString('utf8'), true, limits)).toEqual({
      status: 'found',
      delimiter: ',',
      fields: Object.keys(expected[0]),
    });
    for (const size of [1, 3, 65536]) {
      const { rows, error } = await readBytes(
        bytes,
        { encoding: 'utf-8', delimiter: ',', maxFieldChars: 65536 },
        size,
      );
      expect(error).toBeNull();
      // values are trimmed on import; the cases' values differ from their trimmed form only at the ends
      expect(rows.map((row) => row.fields)).toEqual(
        expected.map((record) => Object.values(record).map((v) => v.trim())),
      );
    }
  });

  it.each(CASES)('%s: the inspector counts the rows the reader yields', async (name) => {
    const { bytes, expected } = load(name);
    // Give the case a header the import accepts, keeping its number of columns and its body.
    const text = bytes.toString('utf8');
    const firstBreak = text.search(/\r?\n/);
    const columns = Object.keys(expected[0]).map((_, i) =>
      i === 0 ? 'clientCode' : i === 1 ? 'serviceCode' : `c${i}`,
    );
    const renamed = Buffer.from(columns.join(',') + text.slice(firstBreak));
    for (const size of [1, 5, 65536]) {
      const { result, error } = await inspectBytes(renamed, { maxFieldChars: 65536 }, size);
      expect(error).toBeNull();
      expect(result).toMatchObject({
        encoding: 'utf-8',
        delimiter: ',',
        header: columns,
        rowCount: expected.length,
      });
      expect(result?.problem).toBeNull();
    }
  });
});
