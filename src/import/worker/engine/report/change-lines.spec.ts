import { AssignmentChangeAction } from '../../../../clients/dto/assignment-change.dto';
import { csvLine, REPORT_BOM } from '../../../rules/report-csv';
import { CHANGES_HEADER, changeLines, changeRecordLines } from './change-lines';

describe('changeRecordLines', () => {
  it('writes one csvLine per changed field, null as an empty cell, every cell formula-guarded', () => {
    const change = {
      rowNumber: 7,
      action: AssignmentChangeAction.Updated,
      assignmentId: null,
      clientCode: '+C1',
      serviceCode: 'S,1',
      changes: {
        quantity: { from: 1, to: 3 },
        endDate: { from: '2026-12-31', to: null },
        notes: { from: '=HYPERLINK("x")', to: 'Müller, "on site"\nnext line' },
      },
    };
    const record = ['7', 'Updated', '', '+C1', 'S,1'];
    expect(changeRecordLines(change)).toBe(
      csvLine([...record, 'quantity', '1', '3']) +
        csvLine([...record, 'endDate', '2026-12-31', '']) +
        csvLine([...record, 'notes', '=HYPERLINK("x")', 'Müller, "on site"\nnext line']),
    );
    expect(changeRecordLines(change)).toContain(`'+C1,"S,1",notes,"'=HYPERLINK(""x"")"`);
  });

  it('a record with no field still has its line', () => {
    const change = {
      rowNumber: 2,
      action: AssignmentChangeAction.Created,
      assignmentId: 'a',
      clientCode: 'C',
      serviceCode: 'S',
      changes: {},
    };
    expect(changeRecordLines(change)).toBe(csvLine(['2', 'Created', 'a', 'C', 'S', '', '', '']));
  });
});

describe('changeLines', () => {
  it('the BOM and header, then every page after the last row of the one before', async () => {
    const record = (rowNumber: number) => ({
      rowNumber,
      action: AssignmentChangeAction.Created,
      assignmentId: null,
      clientCode: 'C',
      serviceCode: 'S',
      changes: { quantity: { from: null, to: rowNumber } },
    });
    const asked: number[] = [];
    const pages = [
      { items: [record(1), record(4)], more: true },
      { items: [record(9)], more: false },
    ];
    let text = '';
    for await (const chunk of changeLines(async (after) => {
      asked.push(after);
      return pages[asked.length - 1];
    })) {
      text += chunk;
    }
    expect(asked).toEqual([0, 4]);
    expect(text).toBe(
      REPORT_BOM +
        csvLine(CHANGES_HEADER) +
        [1, 4, 9]
          .map((n) => csvLine([String(n), 'Created', '', 'C', 'S', 'quantity', '', String(n)]))
          .join(''),
    );
  });
});
