// Generated cases for the write-mode property (write-modes-property.e2e-spec.ts): stored assignments
// over a small code space and a file of 1-40 rows naming a few pairs of it, and what a set of cases
// reached, so that a generator that drifts away from an outcome is noticed.
import fc from 'fast-check';
import type { ModelCatalog, ModelOutcome, StoredAssignment, WriteMode } from './assignment-model';

export const CATALOG: ModelCatalog = {
  clients: [
    { code: 'C1', active: true },
    { code: 'C2', active: true },
    { code: 'C3', active: false },
  ],
  services: [
    { code: 'S1', unitPrice: '10.00' },
    { code: 'S2', unitPrice: '20.00' },
    { code: 'S3', unitPrice: '5.50' },
  ],
};

const ALL_COLUMNS = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];

export interface WriteModeCase {
  existing: StoredAssignment[];
  header: string[];
  rows: string[][];
  mode: WriteMode;
  dryRun: boolean;
}

/** One of `choices`, each `[value, weight]`. */
const weighted = <T>(...choices: [T, number][]): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([value, weight]) => ({ weight: weight * 10, arbitrary: fc.constant(value) })));

// Each catalog pair is stored with a probability of 3/4, with values rows may keep, repeat, change or
// clear; stored ranges are valid (a CHECK holds them), and many can be made invalid by one date.
const existingArb: fc.Arbitrary<StoredAssignment[]> = fc
  .tuple(
    ...CATALOG.clients.flatMap((c) =>
      CATALOG.services.map((s) =>
        fc.option(
          fc.record({
            client: fc.constant(c.code),
            service: fc.constant(s.code),
            quantity: fc.constantFrom(1, 2, 3),
            unitPrice: fc.constantFrom('10.00', '20.00', '7.50'),
            dates: weighted<[string | null, string | null]>(
              [[null, null], 2],
              [['2026-01-01', null], 1],
              [['2026-06-01', null], 2],
              [[null, '2026-03-31'], 2],
              [[null, '2026-12-31'], 1],
              [['2026-06-01', '2026-12-31'], 2],
              [['2026-01-01', '2026-03-31'], 2],
            ),
            notes: fc.constantFrom(null, 'old', 'x'),
          }),
          { freq: 4 },
        ),
      ),
    ),
  )
  .map((list) =>
    list
      .filter((a) => a !== null)
      .map(({ dates: [startDate, endDate], ...a }) => ({
        ...a,
        startDate,
        endDate,
        importCode: null,
        id: null,
      })),
  );

const CLEAR_CELL: [string, number][] = [
  ['#CLEAR', 1],
  ['#clear', 1],
  ['#Clear', 0.5],
];
/** #CLEAR in quantity or unitPrice is an error: seldom, or it would spoil most rows. */
const RARE_CLEAR: [string, number][] = [
  ['#CLEAR', 0.3],
  ['#clear', 0.2],
];
const codeCells = {
  clientCode: weighted(['C1', 4], ['C2', 4], ['C3', 1], ['CX', 1], ['', 0.3], ['#CLEAR', 0.2]),
  serviceCode: weighted(['S1', 4], ['S2', 3], ['S3', 3], ['SX', 1], ['', 0.3], ['#clear', 0.2]),
};

/** A row's optional cells; `empty` weighs the empty cell (a case keeps much, or changes much). */
const valuesArb = (empty: number) =>
  fc.record({
    quantity: weighted(
      ['', empty],
      ['1', 2],
      ['2', 2],
      ['3', 2],
      ['03', 1],
      ['0', 0.5],
      ['abc', 0.5],
      ...CLEAR_CELL,
    ),
    unitPrice: weighted(
      ['', empty],
      ['10', 1],
      ['10.00', 2],
      ['20.00', 2],
      ['7.5', 1],
      ['5.50', 1],
      ['x', 0.2],
      ['1.999', 0.2],
      ...RARE_CLEAR,
    ),
    // The two dates together: one alone after a stored end or before a stored start makes the merged
    // range invalid; both given and crossed is the row's own INVALID_DATE_RANGE.
    dates: weighted<[string, string]>(
      [['', ''], empty],
      [['2026-06-01', ''], 2],
      [['2026-09-30', ''], 2],
      [['2026-01-01', ''], 1],
      [['', '2026-03-31'], 2],
      [['', '2026-05-15'], 2],
      [['', '2026-12-31'], 1],
      [['2026-01-01', '2026-12-31'], 1],
      [['2026-09-30', '2026-03-31'], 0.5],
      [['#CLEAR', ''], 3],
      [['', '#clear'], 3],
      [['#clear', '#CLEAR'], 1],
      [['#Clear', '2026-03-31'], 1],
      [['2026-09-30', '#CLEAR'], 1],
      [['2026-02-30', ''], 0.5],
      [['', 'never'], 0.5],
    ),
    notes: weighted(['', empty], ['old', 2], ['x', 2], ['new', 2], ...CLEAR_CELL),
  });

export const caseArb: fc.Arbitrary<WriteModeCase> = fc
  .record({
    existing: existingArb,
    // Mostly every column; now and then some optional ones missing (as good as empty cells).
    header: fc.oneof(
      { weight: 3, arbitrary: fc.constant(ALL_COLUMNS) },
      {
        weight: 1,
        arbitrary: fc
          .subarray(ALL_COLUMNS.slice(2))
          .map((optional) => ALL_COLUMNS.filter((c, i) => i < 2 || optional.includes(c))),
      },
    ),
    mode: weighted<WriteMode>(['upsert', 3], ['update', 2], ['create', 2]),
    dryRun: fc.boolean(),
    empty: fc.constantFrom(2, 8, 40),
    // The file's rows name a few pairs, so most pairs repeat, within a batch and across batches.
    pairs: fc.array(fc.tuple(codeCells.clientCode, codeCells.serviceCode), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ pairs, empty, ...c }) => {
    const row = fc
      .record({
        pair: fc.nat(pairs.length - 1),
        lowerCase: weighted([false, 3], [true, 1]),
        values: valuesArb(empty),
      })
      .map(({ pair, lowerCase, values }) => {
        const [client, service] = lowerCase ? pairs[pair].map((code) => code.toLowerCase()) : pairs[pair];
        const cells: Record<string, string> = {
          // A row of empty cells is no row at all (the reader drops it): give it a client.
          clientCode: client === '' && service === '' ? 'C1' : client,
          serviceCode: service,
          quantity: values.quantity,
          unitPrice: values.unitPrice,
          startDate: values.dates[0],
          endDate: values.dates[1],
          notes: values.notes,
        };
        return c.header.map((column) => cells[column]);
      });
    return fc.array(row, { minLength: 1, maxLength: 40, size: 'max' }).map((rows) => ({ ...c, rows }));
  });

/** What the cases must reach, with `batchSize`-row batches. */
export function wantedOutcomes(batchSize: number): string[] {
  const wanted = [
    'upsert:Created',
    'upsert:Updated',
    'upsert:dry:Updated',
    'update:Updated',
    'upsert:Unchanged',
    'create:Created',
    'CLIENT_NOT_FOUND',
    'CLIENT_INACTIVE',
    'SERVICE_NOT_FOUND',
    'ALREADY_ASSIGNED',
    'NOT_ASSIGNED',
    'DUPLICATE_IN_FILE',
    'INVALID_QUANTITY',
    'INVALID_UNIT_PRICE',
    'INVALID_DATE',
    'INVALID_DATE_RANGE',
    'MISSING_CLIENT_CODE',
    'merged range',
    'cleared startDate',
    'cleared endDate',
    'cleared notes',
    'duplicate in the next batch',
    'duplicate later',
    'duplicate of a bad merged range',
    'duplicate of NOT_ASSIGNED',
  ];
  return batchSize > 1 ? [...wanted, 'duplicate in its batch'] : wanted;
}

/** Counts in `cases` (per outcome, the cases that reached it) what case `c` reached, read from the model. */
export function tally(
  cases: Map<string, number>,
  c: WriteModeCase,
  expected: ModelOutcome,
  batchSize: number,
): void {
  const reached = new Set<string>();
  const batchOf = (rowNumber: number) => Math.floor((rowNumber - 1) / batchSize);
  const { counters } = expected;
  if (counters.createdCount > 0) reached.add(`${c.mode}:Created`);
  if (counters.updatedCount > 0) reached.add(`${c.mode}${c.dryRun ? ':dry' : ''}:Updated`);
  if (counters.unchangedCount > 0) reached.add(`${c.mode}:Unchanged`);
  for (const line of expected.report) {
    const [rowNumber, reason, message] = [Number(line[0]), line.at(-2)!, line.at(-1)!];
    reached.add(
      reason === 'INVALID_DATE_RANGE' && message.startsWith('With this row') ? 'merged range' : reason,
    );
    const first = /on row (\d+) of this file/.exec(message);
    if (!first) continue;
    const apart = batchOf(rowNumber) - batchOf(Number(first[1]));
    reached.add(
      apart === 0
        ? 'duplicate in its batch'
        : apart === 1
          ? 'duplicate in the next batch'
          : 'duplicate later',
    );
    const firstReason = expected.report.find((l) => l[0] === first[1])?.at(-2);
    if (firstReason === 'INVALID_DATE_RANGE') reached.add('duplicate of a bad merged range');
    if (firstReason === 'NOT_ASSIGNED') reached.add('duplicate of NOT_ASSIGNED');
  }
  for (const record of expected.changes) {
    for (const [field, change] of Object.entries(record.changes)) {
      if (record.action === 'Updated' && change.to === null) reached.add(`cleared ${field}`);
    }
  }
  for (const outcome of reached) cases.set(outcome, (cases.get(outcome) ?? 0) + 1);
}
