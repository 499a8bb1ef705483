/**
 * Every file in test/fixtures/csv that imports goes through the UploadInspector (in chunks of 1, 7
 * and 64 KiB bytes), the row reader and the row rules; fixtures-refused.spec.ts has the others.
 */
import { mapColumns } from './columns';
import { CsvDelimiter } from '../../csv/csv-scanner';
import { CsvEncoding } from '../../csv/encoding/encoding';
import { csvLine } from './report-csv';
import { acceptedFixture } from '../../../test/support/csv-fixtures';
import { ErrorReason, validateRow } from './row-rules';
import { InspectionResult } from '../../csv/upload-inspector';

function outcomes(inspection: InspectionResult, rows: { fields: string[] }[]): (ErrorReason | 'ok')[] {
  const { columns } = mapColumns(inspection.header);
  return rows.map((row) => {
    const verdict = validateRow(row.fields, columns, inspection.header.length, inspection.delimiter === ';');
    return verdict.ok ? 'ok' : verdict.reason;
  });
}

describe('CSV fixtures that import', () => {
  it.each<[string, CsvEncoding, boolean, CsvDelimiter, string[][]]>([
    [
      'crlf.csv',
      'utf-8',
      false,
      ',',
      [
        ['C000001', 'S0001', '1'],
        ['C000002', 'S0002', '2'],
      ],
    ],
    [
      'cr-line-ends.csv',
      'utf-8',
      false,
      ',',
      [
        ['C000001', 'S0001', '1'],
        ['C000002', 'S0002', '2'],
      ],
    ],
    ['bom-utf8.csv', 'utf-8', true, ',', [['C000001', 'S0001', 'Crème']]],
    [
      'tab.tsv',
      'utf-8',
      false,
      '\t',
      [
        ['C000001', 'S0001', 'a, b; c'],
        ['C000002', 'S0002', 'quoted\ttab'],
      ],
    ],
    [
      'windows-1252.csv',
      'windows-1252',
      false,
      ',',
      [
        ['C000001', 'S0001', 'Café'],
        ['C000002', 'S0002', 'Crème brûlée – 10 €'],
      ],
    ],
    [
      'utf16le-bom.csv',
      'utf-16le',
      true,
      ',',
      [
        ['C000001', 'S0001', 'Café ☕'],
        ['C000002', 'S0002', 'Ünïcödé, 𝄞'],
      ],
    ],
    [
      'utf16be-bom.csv',
      'utf-16be',
      true,
      ',',
      [
        ['C000001', 'S0001', 'Café ☕'],
        ['C000002', 'S0002', 'Ünïcödé, 𝄞'],
      ],
    ],
    [
      'quoted-line-breaks.csv',
      'utf-8',
      false,
      ',',
      [
        ['C000001', 'S0001', 'First line\nsecond line'],
        ['C000002', 'S0002', 'Windows line\r\nbreak inside'],
        ['C000003', 'S0003', 'He said "hello, there", then left'],
      ],
    ],
  ])('%s', async (name, encoding, hasBom, delimiter, expectedRows) => {
    const { inspection, rows } = await acceptedFixture(name);
    expect(inspection).toMatchObject({
      encoding,
      hasBom,
      delimiter,
      rowCount: expectedRows.length,
      problem: null,
    });
    expect(inspection.header[0]).toBe('clientCode');
    expect(rows).toEqual(expectedRows.map((fields, index) => ({ rowNumber: index + 1, fields })));
    expect(outcomes(inspection, rows).every((outcome) => outcome === 'ok')).toBe(true);
  });

  it('semicolon-comma-decimal.csv: semicolon detected, decimal comma accepted', async () => {
    const { inspection, rows } = await acceptedFixture('semicolon-comma-decimal.csv');
    expect(inspection).toMatchObject({ delimiter: ';', rowCount: 3 });
    const { columns } = mapColumns(inspection.header);
    expect(rows.map((row) => validateRow(row.fields, columns, inspection.header.length, true))).toEqual([
      expect.objectContaining({ ok: true, unitPrice: '12.50', quantity: 2, notes: 'Réunion mensuelle' }),
      expect.objectContaining({ ok: true, unitPrice: '0.50', notes: 'Note; with a semicolon' }),
      expect.objectContaining({ ok: true, unitPrice: '1234.56', quantity: null }),
    ]);
  });

  it('blank-rows.csv: blank rows (also before the header) are skipped and not numbered', async () => {
    const { inspection, rows } = await acceptedFixture('blank-rows.csv');
    expect(inspection).toMatchObject({ header: ['clientCode', 'serviceCode'], rowCount: 2 });
    expect(rows).toEqual([
      { rowNumber: 1, fields: ['C000001', 'S0001'] },
      { rowNumber: 2, fields: ['C000002', 'S0002'] },
    ]);
  });

  it('ragged-rows.csv: short rows read with empty fields, non-empty extras are malformed', async () => {
    const { inspection, rows } = await acceptedFixture('ragged-rows.csv');
    expect(rows.map((row) => row.fields.length)).toEqual([2, 3, 8, 6]);
    expect(outcomes(inspection, rows)).toEqual(['ok', 'ok', 'ok', 'MALFORMED_ROW']);
  });

  it('header-aliases.csv: names matched loosely, aliases, unknown columns ignored', async () => {
    const { inspection, rows } = await acceptedFixture('header-aliases.csv');
    expect(inspection.header).toEqual([
      'Client Code',
      'SERVICE_CODE',
      'Qty',
      'Price',
      'start-date',
      'End.Date',
      'Comment',
      'Extra Column',
    ]);
    expect(mapColumns(inspection.header).columns).toEqual({
      clientCode: 0,
      serviceCode: 1,
      quantity: 2,
      unitPrice: 3,
      startDate: 4,
      endDate: 5,
      notes: 6,
    });
    const { columns } = mapColumns(inspection.header);
    expect(validateRow(rows[0].fields, columns, inspection.header.length, false)).toEqual({
      ok: true,
      clientCode: 'C000001',
      serviceCode: 'S0001',
      quantity: 2,
      unitPrice: '9.99',
      startDate: '2026-01-01',
      endDate: '2026-06-30',
      notes: 'aliased header',
      clear: 0,
    });
  });

  it('header-only.csv: no data rows', async () => {
    const { inspection, rows } = await acceptedFixture('header-only.csv');
    expect(inspection).toMatchObject({ rowCount: 0, header: ['clientCode', 'serviceCode', 'quantity'] });
    expect(rows).toEqual([]);
  });

  it('mixed.csv: every error reason, in file order, with value errors before lookups', async () => {
    const { inspection, rows } = await acceptedFixture('mixed.csv');
    expect(inspection.rowCount).toBe(15);
    expect(rows.map((row) => row.rowNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    // rows 3-5 pass the value rules and are skipped later (unknown client, unknown service, already assigned)
    expect(outcomes(inspection, rows)).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'MISSING_CLIENT_CODE',
      'MISSING_SERVICE_CODE',
      'INVALID_QUANTITY',
      'INVALID_UNIT_PRICE',
      'INVALID_DATE',
      'INVALID_DATE_RANGE',
      'NOTES_TOO_LONG',
      'MALFORMED_ROW',
      'INVALID_QUANTITY',
      'ok',
    ]);
  });

  it('formula-injection.csv: values are read as written, and csvLine makes them safe', async () => {
    const { inspection, rows } = await acceptedFixture('formula-injection.csv');
    expect(inspection.header).toEqual(['clientCode', 'serviceCode', 'quantity', 'notes', '@extra']);
    expect(rows.map((row) => row.fields.slice(2))).toEqual([
      ['', '=HYPERLINK("http://example.invalid","click")', '+cmd'],
      ['-5', '@SUM(1+1)', '-2+3'],
      ['', 'a, "quoted" value', '=1+1'],
    ]);
    expect([inspection.header, ...rows.map((row) => row.fields)].map(csvLine).join('')).toBe(
      "clientCode,serviceCode,quantity,notes,'@extra\r\n" +
        'C999999,S0001,,"\'=HYPERLINK(""http://example.invalid"",""click"")",\'+cmd\r\n' +
        "C000001,S0001,'-5,'@SUM(1+1),'-2+3\r\n" +
        'C999998,S0001,,"a, ""quoted"" value",\'=1+1\r\n',
    );
  });
});
