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
      '3\tt\tab\tsx\t2\t1.50\t\\N\t\\N\t\\N\n' + '7\tt\tc1\ts1\t\\N\t\\N\t2026-01-01\t2026-12-31\tn\n',
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

  it('marks a pair of the batch before as not first, and forgets it one batch later', () => {
    const builder = new AssignmentStageBuilder();
    const firsts = (rows: Partial<AssignmentRow>[]) => {
      for (const r of rows) builder.add(row(r));
      return text(builder.build())
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[1]);
    };
    expect(firsts([{ rowNumber: 1 }, { rowNumber: 2, serviceCode: 'S2' }])).toEqual(['t', 't']);
    // Pair (c1, s1) was in the batch before: the earlier row of the file keeps it.
    expect(
      firsts([
        { rowNumber: 3, clientCode: 'c1' },
        { rowNumber: 4, serviceCode: 'S3' },
      ]),
    ).toEqual(['f', 't']);
    // Two batches back (c1, s2) is committed before this batch starts: the database decides.
    expect(
      firsts([
        { rowNumber: 5, serviceCode: 'S2' },
        { rowNumber: 6, serviceCode: 'S3' },
      ]),
    ).toEqual(['t', 'f']);
  });

  it('escapes backslashes, tabs and line breaks so a value stays one column of one line', () => {
    const stage = stageAssignments([row({ clientCode: 'a\\b', notes: 'x\ty\r\nz' })]);
    expect(text(stage)).toBe('1\tt\ta\\\\b\ts1\t\\N\t\\N\t\\N\t\\N\tx\\ty\\r\\nz\n');
  });

  it('is empty for no rows', () => {
    const stage = stageAssignments([]);
    expect([stage.count, stage.bytes.length]).toEqual([0, 0]);
  });

  it('writes UTF-8, so codes and notes in any script arrive intact', () => {
    expect(text(stageAssignments([row({ clientCode: 'ÄÖ', notes: 'café 😀' })]))).toBe(
      '1\tt\täö\ts1\t\\N\t\\N\t\\N\t\\N\tcafé 😀\n',
    );
  });
});
