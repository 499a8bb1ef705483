import { describeHeaderProblem, fieldForColumn, mapColumns, normalizeColumnName } from './columns';

describe('normalizeColumnName / fieldForColumn', () => {
  it.each(['clientCode', 'Client Code', 'client_code', 'CLIENT-CODE', 'client.code', ' Client  _Code '])(
    '%j is clientCode',
    (name) => {
      expect(fieldForColumn(name)).toBe('clientCode');
    },
  );

  it.each([
    ['qty', 'quantity'],
    ['Quantity', 'quantity'],
    ['price', 'unitPrice'],
    ['Unit Price', 'unitPrice'],
    ['unit_price', 'unitPrice'],
    ['Start Date', 'startDate'],
    ['end-date', 'endDate'],
    ['note', 'notes'],
    ['Comment', 'notes'],
    ['comments', 'notes'],
  ])('%j is %s', (name, field) => {
    expect(fieldForColumn(name)).toBe(field);
  });

  it.each(['client', 'service', 'amount', 'total', 'start', 'poNumber', '', 'constructor', '__proto__'])(
    '%j is not a field',
    (name) => {
      expect(fieldForColumn(name)).toBeNull();
    },
  );

  it('ignores spaces, underscores, hyphens and dots, and case', () => {
    expect(normalizeColumnName('Service_Code-.x Y')).toBe('servicecodexy');
  });
});

describe('mapColumns', () => {
  it('maps every field to its column index, -1 when absent, ignoring unknown columns', () => {
    expect(mapColumns(['Extra', 'Client Code', 'service_code', 'qty', '', 'notes'])).toEqual({
      columns: {
        clientCode: 1,
        serviceCode: 2,
        quantity: 3,
        unitPrice: -1,
        startDate: -1,
        endDate: -1,
        notes: 5,
      },
      missing: [],
      duplicates: [],
    });
  });

  it('lists missing required fields and later duplicates', () => {
    const mapping = mapColumns(['clientCode', 'qty', 'Client Code', 'Quantity']);
    expect(mapping.missing).toEqual(['serviceCode']);
    expect(mapping.duplicates).toEqual(['Client Code', 'Quantity']);
    expect(mapping.columns.clientCode).toBe(0);
    expect(mapping.columns.quantity).toBe(1);
  });
});

describe('describeHeaderProblem', () => {
  it('names the missing columns, the columns found and what is expected', () => {
    const header = ['clientCode', 'qty', 'price'];
    expect(describeHeaderProblem(header, mapColumns(header))).toBe(
      'Missing required column(s): serviceCode. Found columns: clientCode, qty, price. ' +
        'Required: clientCode, serviceCode; optional: quantity, unitPrice, startDate, endDate, notes.',
    );
  });

  it('says when no column was found', () => {
    expect(describeHeaderProblem(['', ''], mapColumns(['', '']))).toMatch(
      /^Missing required column\(s\): clientCode, serviceCode\. Found columns: \(none\)\./,
    );
  });

  it('names both columns of a duplicate', () => {
    const header = ['clientCode', 'serviceCode', 'Client Code'];
    expect(describeHeaderProblem(header, mapColumns(header))).toBe(
      'Duplicate column(s): "clientCode" and "Client Code" are both clientCode. Keep only one column for each field.',
    );
  });

  it('is null for a good header', () => {
    const header = ['clientCode', 'serviceCode', 'whatever'];
    expect(describeHeaderProblem(header, mapColumns(header))).toBeNull();
  });
});
