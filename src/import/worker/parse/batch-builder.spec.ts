import { mapColumns } from '../../rules/columns';
import { BatchBuilder } from './batch-builder';
import { ParsedBatch } from './parsed-batch';
import { readNotImported, readValidRow } from '../../../../test/support/parsed-batch-test-reader';

const header = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'notes'];
const builder = (decimalComma = false) =>
  new BatchBuilder(mapColumns(header).columns, header.length, { decimalComma, clearable: false });
const stageText = (batch: ParsedBatch) => Buffer.from(batch.stage.bytes).toString('utf8');

describe('BatchBuilder', () => {
  it('stages valid rows and keeps their codes as written and their uploaded values for the report', () => {
    const b = builder();
    b.add({ rowNumber: 4, fields: ['C1', 'S1', '2', '12.5', 'hi'] });
    b.add({ rowNumber: 5, fields: ['c2', 'Ş2 "x"'] });
    expect(b.size).toBe(2);
    const batch = b.take();
    expect(batch.size).toBe(2);
    expect(batch.stage.count).toBe(2);
    expect(stageText(batch)).toBe(
      '4\tt\tf\tc1\ts1\t2\t12.50\t\\N\t\\N\thi\t0\n5\tt\tf\tc2\tş2 "x"\t\\N\t\\N\t\\N\t\\N\t\\N\t0\n',
    );
    expect([...batch.valid.rowNumbers]).toEqual([4, 5]);
    expect(readValidRow(batch, 0)).toEqual({
      clientCode: 'C1',
      serviceCode: 'S1',
      values: ['C1', 'S1', '2', '12.5', 'hi'],
    });
    expect(readValidRow(batch, 1)).toEqual({
      clientCode: 'c2',
      serviceCode: 'Ş2 "x"',
      values: ['c2', 'Ş2 "x"'],
    });
    expect(batch.errors.count).toBe(0);
    expect(batch.errors.lines.byteLength).toBe(0);
  });

  it('reports rows that break a rule as errors, with their values, and counts them in the size', () => {
    const b = builder();
    b.add({ rowNumber: 1, fields: ['C1', 'S1', '0'] });
    b.add({ rowNumber: 2, fields: ['C1', 'S1'] });
    b.add({ rowNumber: 3, fields: ['', 'S1'] });
    const batch = b.take();
    expect(batch.size).toBe(3);
    expect([...batch.valid.rowNumbers]).toEqual([2]);
    expect(batch.errors.count).toBe(2);
    expect(batch.errors.reasons).toEqual({ INVALID_QUANTITY: 1, MISSING_CLIENT_CODE: 1 });
    expect(readNotImported(batch.errors.lines)).toEqual([
      {
        rowNumber: 1,
        outcome: 'Error',
        reason: 'INVALID_QUANTITY',
        message: expect.stringContaining('"0"'),
        values: ['C1', 'S1', '0'],
      },
      {
        rowNumber: 3,
        outcome: 'Error',
        reason: 'MISSING_CLIENT_CODE',
        message: 'The client code is empty.',
        values: ['', 'S1'],
      },
    ]);
  });

  it('accepts a decimal comma only when told to (semicolon files)', () => {
    const comma = builder(true);
    comma.add({ rowNumber: 1, fields: ['C1', 'S1', '', '12,5'] });
    expect(stageText(comma.take())).toContain('\t12.50\t');
    const point = builder(false);
    point.add({ rowNumber: 1, fields: ['C1', 'S1', '', '12,5'] });
    expect(point.take().errors.reasons).toEqual({ INVALID_UNIT_PRICE: 1 });
  });

  it('starts a new batch after take(): rows of the last batch are not carried over, its pairs stay taken', () => {
    const b = builder();
    b.add({ rowNumber: 1, fields: ['C1', 'S1'] });
    const first = b.take();
    expect(b.size).toBe(0);
    b.add({ rowNumber: 2, fields: ['C2', 'S1'] });
    b.add({ rowNumber: 3, fields: ['C1', 'S1'] });
    const next = b.take();
    expect(next.size).toBe(2);
    // (c1, s1) was in the batch before: row 3 is deferred until that batch commits (AssignmentStageBuilder).
    expect(stageText(next)).toBe(
      '2\tt\tf\tc2\ts1\t\\N\t\\N\t\\N\t\\N\t\\N\t0\n' + '3\tt\tt\tc1\ts1\t\\N\t\\N\t\\N\t\\N\t\\N\t0\n',
    );
    expect([...next.valid.rowNumbers]).toEqual([2, 3]);
    expect(readValidRow(next, 0).values).toEqual(['C2', 'S1']);
    // the first batch's bytes are its own, not overwritten by the next one
    expect(stageText(first)).toBe('1\tt\tf\tc1\ts1\t\\N\t\\N\t\\N\t\\N\t\\N\t0\n');
  });
});

describe('BatchBuilder.chars', () => {
  it('counts the characters of uploaded values held, valid and invalid rows alike, until take()', () => {
    const b = builder();
    b.add({ rowNumber: 1, fields: ['C1', 'S1', '1', '', 'x'.repeat(100)] });
    b.add({ rowNumber: 2, fields: ['C1', 'S1', '0', '', 'y'.repeat(50)] });
    expect(b.chars).toBeGreaterThanOrEqual(150);
    expect(b.chars).toBeLessThan(250);
    b.take();
    expect(b.chars).toBe(0);
  });
});
