import { csvLine } from '../../../rules/report-csv';
import { reportLine } from './report-lines';

describe('reportLine', () => {
  const values = ['C1', '=SUM(A1)', 'a,b', 'say "hi"', '-5', 'line\nbreak', ''];

  it('writes what csvLine writes for the row padded (or cut) to the header width', () => {
    for (const width of [1, 2, 3, 7, 8, 100]) {
      for (const count of [0, 1, 2, 7]) {
        const row = {
          row_number: 42,
          outcome: 'Error' as const,
          reason: 'MALFORMED_ROW',
          message: 'Row 42 has "8" values',
          values: values.slice(0, count),
        };
        const padded = Array.from({ length: width }, (_, i) => row.values[i] ?? '');
        expect(reportLine(row, width)).toBe(csvLine(['42', ...padded, row.outcome, row.reason, row.message]));
      }
    }
  });
});
