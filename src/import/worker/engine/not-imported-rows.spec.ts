import { SKIP_REASONS, skipMessage } from '../../rules/row-rules';
import { NotImportedRows, validRowDetail } from './not-imported-rows';
import { readNotImported } from '../../../../test/support/parsed-batch-test-reader';

// JSON's escapes, quotes, control characters and more than one byte per character.
const AWKWARD = 'a\\b\tc\nd\re "q" \u0001 é😀';

describe('NotImportedRows', () => {
  it('renders rows in error with their message and uploaded values, read back as written', () => {
    const rows = new NotImportedRows();
    rows.error(7, 'INVALID_QUANTITY', `The quantity "${AWKWARD}" is not a whole number.`, [
      AWKWARD,
      'S1',
      '',
    ]);
    rows.error(9, 'MISSING_CLIENT_CODE', 'The client code is empty.', ['', 'S1']);
    expect(rows.count).toBe(2);
    expect(readNotImported(rows.take())).toEqual([
      {
        rowNumber: 7,
        outcome: 'Error',
        reason: 'INVALID_QUANTITY',
        message: `The quantity "${AWKWARD}" is not a whole number.`,
        values: [AWKWARD, 'S1', ''],
      },
      {
        rowNumber: 9,
        outcome: 'Error',
        reason: 'MISSING_CLIENT_CODE',
        message: 'The client code is empty.',
        values: ['', 'S1'],
      },
    ]);
    expect(rows.count).toBe(0);
  });

  it('renders a skipped row from its validRowDetail: the message names its codes as written', () => {
    const rows = new NotImportedRows();
    const fields = [AWKWARD, `S${AWKWARD}`, '2', 'notes\\with\\backslashes'];
    // Two details in one block, as a batch holds them; each row is read from its own range.
    const first = Buffer.from(validRowDetail(fields[0], fields[1], fields));
    const block = Buffer.concat([first, Buffer.from(validRowDetail('C', 'S', ['C', 'S']))]);
    rows.skipped(1234567890, 'SERVICE_NOT_FOUND', block, first.length, block.length);
    rows.skipped(3, 'ALREADY_ASSIGNED', block, 0, first.length);
    const errors = new NotImportedRows();
    errors.error(1, 'INVALID_DATE', 'bad', ['x']);
    expect(readNotImported(errors.take(), rows.take())).toEqual([
      { rowNumber: 1, outcome: 'Error', reason: 'INVALID_DATE', message: 'bad', values: ['x'] },
      {
        rowNumber: 1234567890,
        outcome: 'Skipped',
        reason: 'SERVICE_NOT_FOUND',
        message: skipMessage('SERVICE_NOT_FOUND', 'C', 'S'),
        values: ['C', 'S'],
      },
      {
        rowNumber: 3,
        outcome: 'Skipped',
        reason: 'ALREADY_ASSIGNED',
        message: skipMessage('ALREADY_ASSIGNED', fields[0], fields[1]),
        values: fields,
      },
    ]);
  });

  it('renders every skip message as skipMessage does, for codes JSON must escape', () => {
    for (const reason of SKIP_REASONS) {
      const rows = new NotImportedRows();
      const detail = Buffer.from(validRowDetail(AWKWARD, `${AWKWARD}\u0001`, []));
      rows.skipped(0, reason, detail, 0, detail.length);
      expect(readNotImported(rows.take())[0]).toEqual({
        rowNumber: 0,
        outcome: 'Skipped',
        reason,
        message: skipMessage(reason, AWKWARD, `${AWKWARD}\u0001`),
        values: [],
      });
    }
  });
});
