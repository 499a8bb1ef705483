import { ColumnMap, mapColumns } from './columns';
import { ERROR_REASONS, RowVerdict, isCalendarDate, validateRow } from './row-rules';

const HEADER = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];
const COLUMNS: ColumnMap = mapColumns(HEADER).columns;

function row(values: Partial<Record<(typeof HEADER)[number], string>>, decimalComma = false): RowVerdict {
  const fields = HEADER.map((name) => values[name] ?? '');
  return validateRow(fields, COLUMNS, HEADER.length, decimalComma);
}

const base = { clientCode: 'C000001', serviceCode: 'S0001' };

describe('validateRow', () => {
  it('accepts a minimal row, leaving defaults to later', () => {
    expect(row(base)).toEqual({
      ok: true,
      clientCode: 'C000001',
      serviceCode: 'S0001',
      quantity: null,
      unitPrice: null,
      startDate: null,
      endDate: null,
      notes: null,
      clear: 0,
    });
  });

  it('accepts a row with every column', () => {
    expect(
      row({
        ...base,
        quantity: '3',
        unitPrice: '12.5',
        startDate: '2024-02-29',
        endDate: '2024-02-29',
        notes: 'Billed monthly',
      }),
    ).toEqual({
      ok: true,
      clientCode: 'C000001',
      serviceCode: 'S0001',
      quantity: 3,
      unitPrice: '12.50',
      startDate: '2024-02-29',
      endDate: '2024-02-29',
      notes: 'Billed monthly',
      clear: 0,
    });
  });

  describe('MALFORMED_ROW', () => {
    it('rejects a row with a non-empty value beyond the header', () => {
      const verdict = validateRow(
        ['C1', 'S1', 'x'],
        mapColumns(['clientCode', 'serviceCode']).columns,
        2,
        false,
      );
      expect(verdict).toEqual({
        ok: false,
        reason: 'MALFORMED_ROW',
        message:
          'The row has more values than the header has columns (2); the first extra value is "x". ' +
          'Put values that contain the delimiter in quotes.',
      });
    });

    it('accepts extra empty trailing fields and short rows', () => {
      const columns = mapColumns(['clientCode', 'serviceCode', 'notes']).columns;
      expect(validateRow(['C1', 'S1', '', '', ''], columns, 3, false).ok).toBe(true);
      expect(validateRow(['C1', 'S1'], columns, 3, false)).toMatchObject({ ok: true, notes: null });
    });

    it('comes before every other check', () => {
      expect(
        validateRow(['', '', 'x'], mapColumns(['clientCode', 'serviceCode']).columns, 2, false),
      ).toMatchObject({
        reason: 'MALFORMED_ROW',
      });
    });
  });

  it('reports a missing client code, then a missing service code', () => {
    expect(row({ serviceCode: 'S1' })).toEqual({
      ok: false,
      reason: 'MISSING_CLIENT_CODE',
      message: 'The client code is empty.',
    });
    expect(row({})).toMatchObject({ reason: 'MISSING_CLIENT_CODE' });
    expect(row({ clientCode: 'C1' })).toEqual({
      ok: false,
      reason: 'MISSING_SERVICE_CODE',
      message: 'The service code is empty.',
    });
  });

  describe('quantity', () => {
    it.each([
      ['1', 1],
      ['42', 42],
      ['007', 7],
      ['2147483647', 2147483647],
    ])('accepts %j', (quantity, expected) => {
      expect(row({ ...base, quantity })).toMatchObject({ ok: true, quantity: expected });
    });

    it.each(['1.5', '0', '-1', '1e3', 'abc', '+1', '1,0', '0x10', '١'])('rejects %j', (quantity) => {
      expect(row({ ...base, quantity })).toEqual({
        ok: false,
        reason: 'INVALID_QUANTITY',
        message: `Quantity "${quantity}" is not a whole number of at least 1.`,
      });
    });

    it.each(['2147483648', '99999999999999999999999'])('rejects the absurdly large %j', (quantity) => {
      expect(row({ ...base, quantity })).toEqual({
        ok: false,
        reason: 'INVALID_QUANTITY',
        message: `Quantity "${quantity}" is too large: at most 2147483647.`,
      });
    });
  });

  describe('unitPrice', () => {
    it.each([
      ['12.50', '12.50'],
      ['12.5', '12.50'],
      ['12', '12.00'],
      ['0', '0.00'],
      ['0.01', '0.01'],
      ['000.10', '0.10'],
      ['9999999999.99', '9999999999.99'],
    ])('accepts %j as %j', (unitPrice, expected) => {
      expect(row({ ...base, unitPrice })).toMatchObject({ ok: true, unitPrice: expected });
    });

    it.each([
      '12,50',
      '1.234',
      '12.345',
      '-1',
      '-0.01',
      '1,234.50',
      '1 234',
      '€12',
      '12.',
      '.5',
      'abc',
      '1e3',
    ])('rejects %j in a comma file', (unitPrice) => {
      expect(row({ ...base, unitPrice })).toEqual({
        ok: false,
        reason: 'INVALID_UNIT_PRICE',
        message:
          `Unit price "${unitPrice}" is not an amount of at least 0 with at most 2 decimals ` +
          '(for example 12.50, without currency symbol or thousands separator).',
      });
    });

    it('accepts a decimal comma in a semicolon file, but no thousands separator', () => {
      expect(row({ ...base, unitPrice: '12,50' }, true)).toMatchObject({ ok: true, unitPrice: '12.50' });
      expect(row({ ...base, unitPrice: '12.5' }, true)).toMatchObject({ ok: true, unitPrice: '12.50' });
      expect(row({ ...base, unitPrice: '1.234,50' }, true)).toMatchObject({
        reason: 'INVALID_UNIT_PRICE',
        message: expect.stringContaining('for example 12.50 or 12,50'),
      });
      expect(row({ ...base, unitPrice: '1,234' }, true)).toMatchObject({ reason: 'INVALID_UNIT_PRICE' });
    });

    it('rejects more than numeric(12,2) holds', () => {
      expect(row({ ...base, unitPrice: '10000000000' })).toEqual({
        ok: false,
        reason: 'INVALID_UNIT_PRICE',
        message: 'Unit price "10000000000" is too large: at most 9999999999.99.',
      });
      expect(row({ ...base, unitPrice: '0009999999999.99' })).toMatchObject({
        ok: true,
        unitPrice: '9999999999.99',
      });
    });
  });

  describe('dates', () => {
    it.each([
      '2026-02-30',
      '2025-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-5',
      '0000-01-01',
    ])('rejects %j', (startDate) => {
      expect(row({ ...base, startDate })).toEqual({
        ok: false,
        reason: 'INVALID_DATE',
        message: `Start date "${startDate}" is not a real date in the form YYYY-MM-DD.`,
      });
    });

    it('accepts leap days of leap years', () => {
      expect(row({ ...base, startDate: '2024-02-29', endDate: '2000-02-29' })).toMatchObject({
        reason: 'INVALID_DATE_RANGE',
      });
      expect(isCalendarDate('2024-02-29')).toBe(true);
      expect(isCalendarDate('2000-02-29')).toBe(true);
      expect(isCalendarDate('2026-12-31')).toBe(true);
      expect(isCalendarDate('31/12/2026')).toBe(false);
    });

    it('names the bad end date', () => {
      expect(row({ ...base, startDate: '2026-01-01', endDate: '2026-04-31' })).toEqual({
        ok: false,
        reason: 'INVALID_DATE',
        message: 'End date "2026-04-31" is not a real date in the form YYYY-MM-DD.',
      });
    });

    it('rejects an end before the start, accepts the same day and open ends', () => {
      expect(row({ ...base, startDate: '2026-03-01', endDate: '2026-02-01' })).toEqual({
        ok: false,
        reason: 'INVALID_DATE_RANGE',
        message: 'End date "2026-02-01" is before start date "2026-03-01".',
      });
      expect(row({ ...base, startDate: '2026-03-01', endDate: '2026-03-01' }).ok).toBe(true);
      expect(row({ ...base, endDate: '2026-03-01' }).ok).toBe(true);
    });
  });

  describe('notes', () => {
    it('accepts 1000 characters, counting code points', () => {
      expect(row({ ...base, notes: 'x'.repeat(1000) }).ok).toBe(true);
      expect(row({ ...base, notes: '😀'.repeat(1000) }).ok).toBe(true); // 2000 UTF-16 code units
    });

    it('rejects 1001', () => {
      expect(row({ ...base, notes: 'é'.repeat(1001) })).toEqual({
        ok: false,
        reason: 'NOTES_TOO_LONG',
        message: 'The notes are 1001 characters long: at most 1000.',
      });
    });
  });

  it('checks in the documented order when several rules fail', () => {
    const everythingWrong = {
      quantity: '0',
      unitPrice: 'x',
      startDate: '2026-02-30',
      endDate: '2020-01-01',
      notes: 'x'.repeat(2000),
    };
    expect(row({ ...everythingWrong })).toMatchObject({ reason: 'MISSING_CLIENT_CODE' });
    expect(row({ clientCode: 'C', ...everythingWrong })).toMatchObject({ reason: 'MISSING_SERVICE_CODE' });
    expect(row({ ...base, ...everythingWrong })).toMatchObject({ reason: 'INVALID_QUANTITY' });
    expect(row({ ...base, ...everythingWrong, quantity: '1' })).toMatchObject({
      reason: 'INVALID_UNIT_PRICE',
    });
    expect(row({ ...base, ...everythingWrong, quantity: '1', unitPrice: '1' })).toMatchObject({
      reason: 'INVALID_DATE',
    });
    expect(
      row({ ...base, ...everythingWrong, quantity: '1', unitPrice: '1', startDate: '2026-01-01' }),
    ).toMatchObject({ reason: 'INVALID_DATE_RANGE' });
    expect(
      row({ ...base, ...everythingWrong, quantity: '1', unitPrice: '1', startDate: '2019-01-01' }),
    ).toMatchObject({ reason: 'NOTES_TOO_LONG' });
    expect(ERROR_REASONS).toEqual([
      'FORMULA_WITHOUT_VALUE',
      'CELL_ERROR_VALUE',
      'MALFORMED_ROW',
      'MISSING_CLIENT_CODE',
      'MISSING_SERVICE_CODE',
      'INVALID_QUANTITY',
      'INVALID_UNIT_PRICE',
      'INVALID_DATE',
      'INVALID_DATE_RANGE',
      'NOTES_TOO_LONG',
    ]);
  });

  it('reads fields by the column map, whatever the column order', () => {
    const header = ['notes', 'Service Code', 'extra', 'client_code'];
    const { columns } = mapColumns(header);
    expect(validateRow(['hello', 'S9', 'ignored', 'C9'], columns, header.length, false)).toMatchObject({
      ok: true,
      clientCode: 'C9',
      serviceCode: 'S9',
      notes: 'hello',
      quantity: null,
    });
  });
});
