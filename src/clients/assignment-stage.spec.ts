import { AssignmentRow, AssignmentStage, AssignmentStageBuilder, stageAssignments } from './assignment-stage';

const text = (stage: AssignmentStage) => Buffer.from(stage.bytes).toString('utf8');

const row = (over: Partial<AssignmentRow>): AssignmentRow => ({
  rowNumber: 1,
  clientCode: 'C1',
  serviceCode: 'S1',
  quantity: null,
  unitPrice: null,
  startDate: null,
  endDate: null,
  notes: null,
  clear: 0,
  ...over,
});

describe('stageAssignments', () => {
  it('writes one COPY line per row with lower-cased codes and \\N for missing values', () => {
    const stage = stageAssignments([
      row({ rowNumber: 3, clientCode: 'Ab', serviceCode: 'sX', quantity: 2, unitPrice: '1.50' }),
      row({ rowNumber: 7, startDate: '2026-01-01', endDate: '2026-12-31', notes: 'n' }),
    ]);
    expect(stage.count).toBe(2);
    expect(text(stage)).toBe(
      '3\tt\tf\tab\tsx\t2\t1.50\t\\N\t\\N\t\\N\t0\n' +
        '7\tt\tf\tc1\ts1\t\\N\t\\N\t2026-01-01\t2026-12-31\tn\t0\n',
    );
  });

  it('marks only the first row of a (client, service) pair, whatever the case of its codes', () => {
    const stage = stageAssignments([
      row({ rowNumber: 1 }),
      row({ rowNumber: 2, clientCode: 'c1', serviceCode: 's1' }),
      row({ rowNumber: 3, serviceCode: 'S2' }),
      row({ rowNumber: 4 }),
    ]);
    expect(
      text(stage)
        .split('\n')
        .map((line) => line.split('\t')[1]),
    ).toEqual(['t', 'f', 't', 'f', undefined]);
  });

  it('defers the rows of a pair the batch before also had, and forgets it one batch later', () => {
    const builder = new AssignmentStageBuilder();
    const flags = (rows: Partial<AssignmentRow>[]) => {
      for (const r of rows) builder.add(row(r));
      const stage = builder.build();
      const lines = text(stage).split('\n').filter(Boolean);
      return { flags: lines.map((line) => line.split('\t').slice(1, 3).join('')), deferred: stage.deferred };
    };
    // first, deferred
    expect(flags([{ rowNumber: 1 }, { rowNumber: 2, serviceCode: 'S2' }])).toEqual({
      flags: ['tf', 'tf'],
      deferred: 0,
    });
    // (c1, s1) was in the batch before: its rows here wait for that batch; a repeat is not first.
    expect(
      flags([{ rowNumber: 3, clientCode: 'c1' }, { rowNumber: 4, serviceCode: 'S3' }, { rowNumber: 5 }]),
    ).toEqual({ flags: ['tt', 'tf', 'ft'], deferred: 2 });
    // (c1, s2) was two batches back, committed before this batch starts: nothing to wait for.
    expect(
      flags([
        { rowNumber: 6, serviceCode: 'S2' },
        { rowNumber: 7, serviceCode: 'S3' },
      ]),
    ).toEqual({
      flags: ['tf', 'tt'],
      deferred: 1,
    });
  });

  it('escapes backslashes, tabs and line breaks so a value stays one column of one line', () => {
    const stage = stageAssignments([row({ clientCode: 'a\\b', notes: 'x\ty\r\nz' })]);
    expect(text(stage)).toBe('1\tt\tf\ta\\\\b\ts1\t\\N\t\\N\t\\N\t\\N\tx\\ty\\r\\nz\t0\n');
  });

  it('is empty for no rows', () => {
    const stage = stageAssignments([]);
    expect([stage.count, stage.bytes.length]).toEqual([0, 0]);
  });

  it('writes UTF-8, so codes and notes in any script arrive intact', () => {
    expect(text(stageAssignments([row({ clientCode: 'ÄÖ', notes: 'café 😀' })]))).toBe(
      '1\tt\tf\täö\ts1\t\\N\t\\N\t\\N\t\\N\tcafé 😀\t0\n',
    );
  });
});
