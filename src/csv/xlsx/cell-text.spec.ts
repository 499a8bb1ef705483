import { cellText, dateText, numberText } from './cell-text';
import { columnName as columnNameFor } from './sheet-rows';

describe('workbook cell text', () => {
  it.each([
    [12.5, '12.5'],
    [12.499999999999998, '12.5'],
    [0.1 + 0.2, '0.3'],
    [3, '3'],
    [-0.5, '-0.5'],
    [1e-7, '0.0000001'],
    [1.5e21, '1500000000000000000000'],
    [9999999999.99, '9999999999.99'],
  ])('writes the number %p as %p', (n, text) => expect(numberText(n)).toBe(text));

  it('writes dates as YYYY-MM-DD, a time of day not moving the day', () => {
    expect(dateText(new Date(Date.UTC(2026, 0, 31)))).toBe('2026-01-31');
    expect(dateText(new Date(Date.UTC(2026, 0, 31, 23, 59, 59, 900)))).toBe('2026-02-01');
    expect(dateText(new Date(Date.UTC(2026, 0, 31, 13, 0)))).toBe('2026-01-31');
  });

  it('reads each kind of cell value as a user means it', () => {
    expect(cellText('text', undefined, false)).toEqual({ text: 'text' });
    expect(cellText(true, undefined, false)).toEqual({ text: 'TRUE' });
    expect(cellText({ richText: [{ text: 'a ' }, { text: 'b' }] }, undefined, false)).toEqual({
      text: 'a b',
    });
    expect(cellText({ text: 'site', hyperlink: 'https://x.invalid' }, undefined, false)).toEqual({
      text: 'site',
    });
    expect(cellText({ formula: 'A1*2', result: 25 }, '0.00', false)).toEqual({ text: '25' });
    expect(cellText({ formula: 'TODAY()', result: 46023 }, 'yyyy-mm-dd', false)).toEqual({
      text: '2026-01-01',
    });
    expect(cellText({ formula: 'A1&""', result: 'x' }, undefined, false)).toEqual({ text: 'x' });
    expect(cellText({ formula: 'A1*2' }, undefined, false)).toEqual({
      problem: 'no-cached-value',
      detail: '=A1*2',
    });
    expect(cellText({ error: '#DIV/0!' }, undefined, false)).toEqual({
      problem: 'error-value',
      detail: '#DIV/0!',
    });
    // Serial 59 is 1900-02-28 in Excel (which counts a 29 February 1900), serial 61 1900-03-01.
    expect(cellText({ formula: 'A1', result: 59 }, 'yyyy-mm-dd', false)).toEqual({ text: '1900-02-28' });
    expect(cellText({ formula: 'A1', result: 61 }, 'yyyy-mm-dd', false)).toEqual({ text: '1900-03-01' });
    expect(cellText({ formula: 'A1', result: 0 }, 'yyyy-mm-dd', true)).toEqual({ text: '1904-01-01' });
    expect(columnNameFor(1) + columnNameFor(26) + columnNameFor(27) + columnNameFor(703)).toBe('AZAAAAA');
  });
});
