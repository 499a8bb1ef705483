import { mapColumns } from './columns';
import {
  codePointLength,
  duplicateMessage,
  isBlankRecord,
  mergedRangeMessage,
  normalizePrice,
  SKIP_MESSAGES,
  SKIP_REASONS,
  skipMessage,
  validateRow,
} from './row-rules';

describe('skip reasons', () => {
  it('has a sentence for each, naming the codes', () => {
    expect(SKIP_REASONS).toEqual([
      'CLIENT_NOT_FOUND',
      'CLIENT_INACTIVE',
      'SERVICE_NOT_FOUND',
      'ALREADY_ASSIGNED',
      'NOT_ASSIGNED',
      'DUPLICATE_IN_FILE',
    ]);
    expect(skipMessage('CLIENT_INACTIVE', 'X', 'Y')).toBe(
      'Client "X" is inactive; services are not assigned to inactive clients.',
    );
    expect(skipMessage('CLIENT_NOT_FOUND', 'X', 'Y')).toBe('No client with code "X".');
    expect(skipMessage('SERVICE_NOT_FOUND', 'X', 'Y')).toBe('No billable service with code "Y".');
    expect(SKIP_MESSAGES.ALREADY_ASSIGNED('X', 'Y')).toBe('Client "X" already has service "Y".');
  });
});

describe('helpers', () => {
  it('isBlankRecord: every field empty after trimming', () => {
    expect(isBlankRecord([])).toBe(true);
    expect(isBlankRecord(['', ' ', '\t'])).toBe(true);
    expect(isBlankRecord(['', 'x'])).toBe(false);
  });

  it('normalizePrice', () => {
    expect(normalizePrice('0,5', true)).toBe('0.50');
    expect(normalizePrice('0,5', false)).toBeNull();
  });

  it('codePointLength counts a surrogate pair once and a lone surrogate as one', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('\ud83d')).toBe(1);
    expect(codePointLength('')).toBe(0);
  });
});

describe('the clear token (upsert, update)', () => {
  const header = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];
  const columns = mapColumns(header).columns;
  const check = (cells: string[], clearable: boolean) =>
    validateRow(cells, columns, header.length, false, clearable);

  it('clears startDate, endDate and notes in any case, as bits, and means nothing in create mode', () => {
    expect(check(['C1', 'S1', '', '', '#CLEAR', '#clear', '#Clear'], true)).toMatchObject({
      ok: true,
      startDate: null,
      endDate: null,
      notes: null,
      clear: 7,
    });
    expect(check(['C1', 'S1', '', '', '', '', '#CLEAR'], false)).toMatchObject({
      ok: true,
      notes: '#CLEAR',
      clear: 0,
    });
    expect(check(['C1', 'S1', '', '', '#CLEAR', '', ''], false)).toMatchObject({
      ok: false,
      reason: 'INVALID_DATE',
    });
    expect(check(['C1', 'S1', '', '', '', '', '#CLEARED'], true)).toMatchObject({
      ok: true,
      notes: '#CLEARED',
      clear: 0,
    });
  });

  it('cannot clear quantity or unitPrice', () => {
    expect(check(['C1', 'S1', '#clear', '', '', '', ''], true)).toMatchObject({
      ok: false,
      reason: 'INVALID_QUANTITY',
    });
    expect(check(['C1', 'S1', '', '#CLEAR', '', '', ''], true)).toMatchObject({
      ok: false,
      reason: 'INVALID_UNIT_PRICE',
    });
  });

  it('names the applied row of a duplicate and both dates of a merged range', () => {
    expect(duplicateMessage('C1', 'S1', 4)).toContain('row 4 of this file');
    expect(mergedRangeMessage('2026-06-01', '2026-01-31')).toContain(
      'end on 2026-01-31, before it starts on 2026-06-01',
    );
  });
});
