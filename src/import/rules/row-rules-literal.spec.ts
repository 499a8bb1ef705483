import { mapColumns } from './columns';
import { validateRow } from './row-rules';

const HEADER = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];
const COLUMNS = mapColumns(HEADER).columns;
const base = { clientCode: 'C000001', serviceCode: 'S0001' };

function row(values: Partial<Record<(typeof HEADER)[number], string>>, clearable = false) {
  return validateRow(
    HEADER.map((name) => values[name] ?? ''),
    COLUMNS,
    HEADER.length,
    false,
    clearable,
  );
}

describe("validateRow and the ' mark of the export's and the reports' formula guard", () => {
  it('reads a marked cell as the value it marks, in every column', () => {
    expect(row({ clientCode: "'-C1", serviceCode: "'=S1", notes: "'=SUM(A1)" })).toMatchObject({
      ok: true,
      clientCode: '-C1',
      serviceCode: '=S1',
      notes: '=SUM(A1)',
    });
    expect(row({ ...base, startDate: "'2026-01-01" })).toMatchObject({ ok: false, reason: 'INVALID_DATE' });
    expect(row({ ...base, quantity: "'-5" })).toMatchObject({ ok: false, reason: 'INVALID_QUANTITY' });
  });

  it('takes a marked clear token as text, an unmarked one as "clear"', () => {
    expect(row({ ...base, notes: "'#CLEAR" }, true)).toMatchObject({ ok: true, notes: '#CLEAR', clear: 0 });
    expect(row({ ...base, notes: '#clear' }, true)).toMatchObject({ ok: true, notes: null });
    expect(row({ ...base, notes: '#CLEAR' }, true)).not.toMatchObject({ clear: 0 });
  });

  it('keeps every other apostrophe', () => {
    expect(row({ ...base, notes: "''=x" })).toMatchObject({ ok: true, notes: "'=x" });
    expect(row({ ...base, notes: "'hello" })).toMatchObject({ ok: true, notes: "'hello" });
    expect(row({ ...base, notes: "'" })).toMatchObject({ ok: true, notes: "'" });
  });
});
