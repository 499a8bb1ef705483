import { mapColumns } from './columns';
import { readBytes } from '../../../test/support/csv-test-streams';
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
    [' =1', "' =1"], // an importer that trims spaces would run it
    [' x=1', ' x=1'],
    ["'quoted", "'quoted"],
  ])('makes %j formula-safe as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  // The class: every guarded first character, in ASCII and full-width (and small) forms, alone or
  // behind every kind of invisible or space character, singly and in runs.
  const GUARDED = [
    '=',
    '+',
    '-',
    '@',
    '\t',
    '\r',
    '\uFF1D',
    '\uFF0B',
    '\uFF0D',
    '\uFF20',
    '\uFE62',
    '\uFE63',
    '\uFE66',
    '\uFE6B',
    '\u2212',
  ];
  const INVISIBLE = [
    ...[' ', '\u00A0', '\u1680', '\u2007', '\u202F', '\u205F', '\u3000', '\u2028', '\u2029'],
    ...['\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2008', '\u2009', '\u200A'],
    ...['\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064'],
    ...['\uFEFF', '\u00AD', '\u034F', '\u061C', '\u180E', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E'],
    ...['\u3164', '\uFE0F', '\n', '\v', '\f'],
  ];
  const PREFIXES = [
    '',
    ...INVISIBLE,
    ...INVISIBLE.map((c, i) => c + INVISIBLE[(i + 7) % INVISIBLE.length] + c),
  ];

  it('prefixes every guarded first character behind every invisible prefix', () => {
    const unsafe: string[] = [];
    for (const prefix of PREFIXES) {
      for (const guarded of GUARDED) {
        for (const rest of ['', '1+1', 'SUM(A1:A9)', 'cmd|" /C calc"!A0']) {
          const value = prefix + guarded + rest;
          const cell = csvCell(value);
          const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
          if (unquoted !== `'${value}`) unsafe.push(JSON.stringify(value));
        }
      }
    }
    expect(unsafe).toEqual([]);
    expect(PREFIXES.length * GUARDED.length).toBeGreaterThan(1000);
  });

  it('leaves alone a cell whose first visible character is not guarded, whatever precedes it', () => {
    for (const prefix of PREFIXES) {
      for (const visible of ['a', '1', 'x=1', "'", '(', '\uFF21', '\u00E9', '\u4E2D']) {
        const value = prefix + visible;
        const cell = csvCell(value);
        expect(cell.startsWith('"') ? cell.slice(1, -1) : cell).toBe(value);
      }
    }
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
      maxFieldChars: 65536,
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
