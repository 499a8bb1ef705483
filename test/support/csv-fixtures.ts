// The files in test/fixtures/csv as the CSV specs take them: through the UploadInspector in chunks
// of 1, 7 and 64 KiB bytes (all three must agree) and, when accepted, through the row reader.
import { readFileSync } from 'fs';
import { join } from 'path';
import { CsvFormatError } from '../../src/csv/row-reader';
import type { InspectionResult } from '../../src/csv/upload-inspector';
import { inspectBytes, readBytes } from './csv-test-streams';

const FIXTURES = join(__dirname, '..', 'fixtures', 'csv');
export const FIXTURE_MAX_FIELD_CHARS = 65536;

export async function inspectFixture(name: string) {
  const bytes = readFileSync(join(FIXTURES, name));
  const runs = await Promise.all(
    [1, 7, 65536].map((size) => inspectBytes(bytes, { maxFieldChars: FIXTURE_MAX_FIELD_CHARS }, size)),
  );
  for (const run of runs) {
    expect(run.output.equals(bytes.subarray(0, run.output.length))).toBe(true);
    expect(run.result).toEqual(runs[2].result);
    expect(run.error?.message).toEqual(runs[2].error?.message);
  }
  return { bytes, ...runs[2] };
}

/** A fixture the inspector accepts, read: the reader's row count and verdict are the inspector's. */
export async function acceptedFixture(name: string) {
  const { bytes, result, error } = await inspectFixture(name);
  expect(error).toBeNull();
  const inspection = result as InspectionResult;
  const reading = await readBytes(
    bytes,
    {
      encoding: inspection.encoding,
      delimiter: inspection.delimiter,
      maxFieldChars: FIXTURE_MAX_FIELD_CHARS,
    },
    5,
  );
  expect(reading.rows).toHaveLength(inspection.rowCount);
  if (inspection.problem === null) expect(reading.error).toBeNull();
  else {
    expect(reading.error).toBeInstanceOf(CsvFormatError);
    expect(reading.error).toMatchObject(inspection.problem);
  }
  return { inspection, rows: reading.rows, error: reading.error };
}
