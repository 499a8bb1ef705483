import { mapColumns } from '../../csv/columns';
import { BatchBuilder } from './batch-builder';

const header = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'notes'];
const builder = (decimalComma = false) =>
  new BatchBuilder(mapColumns(header).columns, header.length, decimalComma);

describe('BatchBuilder', () => {
  it('stages valid rows and keeps their codes and uploaded values for the report', () => {
    const b = builder();
    b.add({ rowNumber: 4, fields: ['C1', 'S1', '2', '12.5', 'hi'] });
    b.add({ rowNumber: 5, fields: ['c2', 's2'] });
    expect(b.size).toBe(2);
    const batch = b.take();
    expect(batch).toEqual({
      size: 2,
      stage: {
        count: 2,
        text: '4\tt\tc1\ts1\t2\t12.50\t\\N\t\\N\thi\n5\tt\tc2\ts2\t\\N\t\\N\t\\N\t\\N\t\\N\n',
      },
      valid: {
        rowNumbers: [4, 5],
        clientCodes: ['C1', 'c2'],
        serviceCodes: ['S1', 's2'],
        valuesJson: ['["C1","S1","2","12.5","hi"]', '["c2","s2"]'],
      },
      errors: [],
    });
  });

  it('reports rows that break a rule as errors, with their values, and counts them in the size', () => {
    const b = builder();
    b.add({ rowNumber: 1, fields: ['C1', 'S1', '0'] });
    b.add({ rowNumber: 2, fields: ['C1', 'S1'] });
    b.add({ rowNumber: 3, fields: ['', 'S1'] });
    const batch = b.take();
    expect(batch.size).toBe(3);
    expect(batch.valid.rowNumbers).toEqual([2]);
    expect(batch.errors).toEqual([
      {
        rowNumber: 1,
        outcome: 'Error',
        reason: 'INVALID_QUANTITY',
        message: expect.stringContaining('"0"'),
        valuesJson: '["C1","S1","0"]',
      },
      {
        rowNumber: 3,
        outcome: 'Error',
        reason: 'MISSING_CLIENT_CODE',
        message: 'The client code is empty.',
        valuesJson: '["","S1"]',
      },
    ]);
  });

  it('accepts a decimal comma only when told to (semicolon files)', () => {
    const comma = builder(true);
    comma.add({ rowNumber: 1, fields: ['C1', 'S1', '', '12,5'] });
    expect(comma.take().stage.text).toContain('\t12.50\t');
    const point = builder(false);
    point.add({ rowNumber: 1, fields: ['C1', 'S1', '', '12,5'] });
    expect(point.take().errors[0].reason).toBe('INVALID_UNIT_PRICE');
  });

  it('starts a new batch after take(): pairs of the last batch are not remembered', () => {
    const b = builder();
    b.add({ rowNumber: 1, fields: ['C1', 'S1'] });
    b.take();
    expect(b.size).toBe(0);
    b.add({ rowNumber: 2, fields: ['C1', 'S1'] });
    const next = b.take();
    expect(next.size).toBe(1);
    expect(next.stage.text.startsWith('2\tt\t')).toBe(true);
    expect(next.valid.rowNumbers).toEqual([2]);
  });
});
