import { mapColumns } from './columns';
import { readBytes } from './csv-test-streams';
import { REPORT_BOM, csvCell, csvLine, templateCsv } from './report-csv';
import { validateRow } from './row-rules';

describe('csvLine', () => {
  it('joins with commas and ends with CRLF', () => {
    expect(csvLine(['1', 'C000001', 'S0001'])).toBe('1,C000001,S0001\r\n');
    expect(csvLine([])).toBe('\r\n');
    expect(csvLine(['', ''])).toBe(',\r\n');
  });

  it('quotes values with a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain; semicolon'])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\rhere",plain; semicolon\r\n',
    );
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-5', "'-5"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', '"\'\rx"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ["'quoted", "'quoted"],
  ])('makes %j formula-safe as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('exports the BOM the report starts with', () => {
    expect(REPORT_BOM).toBe('\uFEFF');
  });
});

describe('templateCsv', () => {
  it('is the header and two examples, CRLF', () => {
    expect(templateCsv()).toBe(
      'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes\r\n' +
        'C000001,S0001,,,,,\r\n' +
        'C000002,S0002,3,12.50,2026-01-01,2026-12-31,"Billed monthly, on site"\r\n',
    );
  });

  it('reads back through the reader as two valid rows', async () => {
    const header = templateCsv().split('\r\n')[0].split(',');
    const { columns } = mapColumns(header);
    const { rows, error } = await readBytes(Buffer.from(templateCsv()), {
      encoding: 'utf-8',
      delimiter: ',',
      maxFieldBytes: 65536,
    });
    expect(error).toBeNull();
    expect(rows.map((row) => validateRow(row.fields, columns, header.length, false))).toEqual([
      expect.objectContaining({ ok: true, clientCode: 'C000001', quantity: null, unitPrice: null }),
      expect.objectContaining({
        ok: true,
        quantity: 3,
        unitPrice: '12.50',
        notes: 'Billed monthly, on site',
      }),
    ]);
  });
});
