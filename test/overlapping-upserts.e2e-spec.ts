// Two upserts of overlapping pairs at the same time (issue 14, Reliability): one worker running two
// imports at once (IMPORT_CONCURRENCY 2), each with two batches in the database at once, in batches
// small enough that the two imports take turns on the same pairs. Random files (fast-check): each
// import gives its own values for the pairs both name, some cells empty (keep what is stored) or
// #CLEAR. Then:
// - both imports complete: a deadlock PostgreSQL finds is resolved by sending batches again;
// - replayed in the order they were applied, the change records of each pair, across both imports,
//   form a chain from the stored value to the final one: every `from` is the value it really
//   replaced, every `to` is the row merged with it, an Unchanged row changed nothing where it ran;
// - the final assignment is what that chain ends with, named after the import that wrote it last.
//
// The order of application: the records of one pair are written by transactions that each hold the
// pair's row lock (created or locked) until they commit, so a later writer of the pair writes its
// record after the earlier one committed. A sequence column the spec adds to assignment_changes in
// its own database numbers them in that order (a commit timestamp would need track_commit_timestamp).
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import fc from 'fast-check';
import { CHANGE_ROW_COLUMNS, type ChangeRow, toChangeDto } from '../src/clients/assignment-change-pages';
import { IMPORT_QUEUE } from '../src/import/queue/import-queue.constants';
import { appForOverlappingWrites, readAssignments, seedAssignments } from './support/assignments';
import type { StoredAssignment } from './support/assignment-model';
import { JobBody, upload, waitForEnd } from './support/imports';
import type { TestApp } from './support/test-app';

const SEED = Number(process.env.OVERLAP_SEED ?? 20261214);
const RUNS = Number(process.env.OVERLAP_RUNS ?? 6);
const CATALOG_PRICE = '10.00';
const CLIENTS = Array.from({ length: 15 }, (_, i) => `O${i + 1}`);
const SERVICES = Array.from({ length: 15 }, (_, i) => `P${i + 1}`);
const PAIRS = CLIENTS.flatMap((c) => SERVICES.map((s) => `${c}/${s}`));
const CLEAR_TOKEN = '#CLEAR';

interface Values {
  quantity: number;
  unitPrice: string;
  notes: string | null;
}

/** A file row's cells: null is an empty cell (keep what is stored). */
interface Row {
  quantity: number | null;
  unitPrice: string | null;
  notes: string | null;
}

interface Case {
  stored: Map<string, Values>;
  files: [Map<string, Row>, Map<string, Row>];
}

const price = (n: number) => `${n}.50`;
const orEmpty = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4 });

/** Values of import `side` (0 or 1): each import's values differ from the other's and the stored ones. */
const rowArb = (side: number): fc.Arbitrary<Row> =>
  fc.record({
    quantity: orEmpty(fc.integer({ min: 1 + side * 40, max: 40 + side * 40 })),
    unitPrice: orEmpty(fc.integer({ min: 1 + side * 40, max: 40 + side * 40 }).map(price)),
    notes: orEmpty(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 99 }).map((n) => `${'AB'[side]}${n}`) },
        { weight: 1, arbitrary: fc.constant(CLEAR_TOKEN) },
      ),
    ),
  });

/** At least half of the pairs, in a random order, each with a row of import `side`. */
const fileArb = (side: number) =>
  fc
    .tuple(
      fc.shuffledSubarray(PAIRS, { minLength: Math.floor(PAIRS.length / 2) }),
      fc.array(rowArb(side), { minLength: PAIRS.length, maxLength: PAIRS.length }),
    )
    .map(([pairs, rows]) => new Map(pairs.map((p, i) => [p, rows[i]])));

const storedArb: fc.Arbitrary<Map<string, Values>> = fc
  .tuple(
    ...PAIRS.map(() =>
      fc.option(
        fc.record({
          quantity: fc.integer({ min: 81, max: 90 }),
          unitPrice: fc.integer({ min: 81, max: 90 }).map(price),
          notes: fc.constantFrom(null, 'stored'),
        }),
      ),
    ),
  )
  .map((list) => new Map(list.flatMap((v, i): [string, Values][] => (v ? [[PAIRS[i], v]] : []))));

const caseArb: fc.Arbitrary<Case> = fc
  .record({ stored: storedArb, files: fc.tuple(fileArb(0), fileArb(1)) })
  // A failure names the case by its sizes (fast-check's seed and path reproduce it), not 700 rows.
  .map((c) =>
    Object.assign(c, {
      [fc.toStringMethod]: () =>
        `${c.stored.size} stored, files of ${c.files[0].size} and ${c.files[1].size} rows`,
    }),
  );

/** The row as stored over `before` (undefined: a new assignment, the defaults). */
function merge(row: Row, before: Values | undefined): Values {
  return {
    quantity: row.quantity ?? before?.quantity ?? 1,
    unitPrice: row.unitPrice ?? before?.unitPrice ?? CATALOG_PRICE,
    notes: row.notes === CLEAR_TOKEN ? null : (row.notes ?? before?.notes ?? null),
  };
}

/** The change record's `changes` for `after` replacing `before`, as the API shows them. */
function fieldChanges(before: Values | undefined, after: Values) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of ['quantity', 'unitPrice', 'notes'] as const) {
    const from = before ? before[field] : null;
    if (after[field] !== from) changes[field] = { from, to: after[field] };
  }
  return changes;
}

function csvOf(file: Map<string, Row>): string {
  const lines = ['clientCode,serviceCode,quantity,unitPrice,notes'];
  for (const [pair, row] of file) {
    lines.push([...pair.split('/'), row.quantity ?? '', row.unitPrice ?? '', row.notes ?? ''].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('two upserts of overlapping pairs at the same time (e2e)', () => {
  let t: TestApp;
  let runs = 0;
  /** Runs whose two imports had change records written between each other's (they interleaved). */
  let interleaved = 0;

  beforeAll(async () => {
    t = await appForOverlappingWrites(CLIENTS, SERVICES, CATALOG_PRICE, 10);
  });
  afterAll(() => t.close());

  async function oneCase(c: Case): Promise<void> {
    runs++;
    await seedAssignments(
      t.dataSource,
      [...c.stored].map(([pair, v]): StoredAssignment => {
        const [client, service] = pair.split('/');
        return { client, service, ...v, startDate: null, endDate: null, importCode: null, id: null };
      }),
    );
    // Both queued before the worker takes either, so that they start together.
    const queue = t.app.get<Queue>(getQueueToken(IMPORT_QUEUE));
    await queue.pause(true);
    const codes = await Promise.all(
      c.files.map(async (file, side) => {
        const res = await upload(t.app, csvOf(file), `overlap-${side}.csv`, '?mode=upsert');
        if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body.code as string;
      }),
    );
    await queue.resume(true);
    const jobs: JobBody[] = await Promise.all(codes.map((code) => waitForEnd(t.app, code, 120_000)));
    jobs.forEach((job, side) => {
      expect(job).toMatchObject({ status: 'Completed', processedItems: c.files[side].size });
      expect(job.skippedCount + job.errorCount).toBe(0);
    });

    const ids: { id: string; code: string }[] = await t.dataSource.query(
      `SELECT id, code FROM service_import_jobs WHERE code = ANY($1)`,
      [codes],
    );
    const sideOf = new Map(ids.map((j) => [j.id, codes.indexOf(j.code)]));
    const records: (ChangeRow & { change_set: string; seq: string })[] = await t.dataSource.query(
      `SELECT ${CHANGE_ROW_COLUMNS}, change_set, applied_seq AS seq FROM assignment_changes
        WHERE change_set = ANY($1) ORDER BY applied_seq`,
      [ids.map((j) => j.id)],
    );

    // Replay in the order of application; `states` keeps every value each pair had, in order.
    const state = new Map(c.stored);
    const states = new Map([...PAIRS].map((p) => [p, [c.stored.get(p)]]));
    const lastWriter = new Map<string, number>();
    const recorded = [new Set<string>(), new Set<string>()];
    const bySide = [0, 0];
    for (const r of records) {
      const side = sideOf.get(r.change_set)!;
      const record = toChangeDto(r);
      const pair = `${record.clientCode}/${record.serviceCode}`;
      const row = c.files[side].get(pair);
      expect(row ? null : `${pair} not in file ${side}`).toBeNull();
      expect(recorded[side].has(pair) ? `${pair} recorded twice by import ${side}` : null).toBeNull();
      recorded[side].add(pair);
      bySide[side]++;
      const before = state.get(pair);
      const after = merge(row!, before);
      expect({ pair, side, action: record.action, changes: record.changes }).toEqual({
        pair,
        side,
        action: before ? 'Updated' : 'Created',
        changes: fieldChanges(before, after),
      });
      state.set(pair, after);
      states.get(pair)!.push(after);
      lastWriter.set(pair, side);
    }
    expect(bySide).toEqual(jobs.map((j) => j.createdCount + Number(j.updatedCount)));

    // A row without a record was Unchanged: it matched the pair as it was at some point of the chain.
    c.files.forEach((file, side) => {
      let unchanged = 0;
      for (const [pair, row] of file) {
        if (recorded[side].has(pair)) continue;
        unchanged++;
        const somewhere = states
          .get(pair)!
          .some((s) => s !== undefined && JSON.stringify(merge(row, s)) === JSON.stringify(s));
        expect(
          somewhere
            ? null
            : `${pair}: import ${side} Unchanged, yet it differs from every value the pair had`,
        ).toBeNull();
      }
      expect(unchanged).toBe(jobs[side].unchangedCount);
    });

    // The final assignments are where the chains end, written by the import that applied last.
    const after = await readAssignments(t.dataSource);
    expect(
      Object.fromEntries(
        after.map((a) => [
          `${a.client}/${a.service}`,
          {
            quantity: a.quantity,
            unitPrice: a.unitPrice,
            startDate: a.startDate,
            endDate: a.endDate,
            notes: a.notes,
            importCode: a.importCode,
          },
        ]),
      ),
    ).toEqual(
      Object.fromEntries(
        [...state].map(([pair, v]) => {
          const writer = lastWriter.get(pair);
          const importCode = writer === undefined ? null : codes[writer];
          return [pair, { ...v, startDate: null, endDate: null, importCode }];
        }),
      ),
    );

    const range = (side: number) => {
      const seqs = records.filter((r) => sideOf.get(r.change_set) === side).map((r) => Number(r.seq));
      return [Math.min(...seqs), Math.max(...seqs)];
    };
    const [a, b] = [range(0), range(1)];
    if (a[0] < b[1] && b[0] < a[1]) interleaved++;
  }

  it('complete, with change logs that chain from the stored values to the final ones', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => oneCase(c)),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(runs).toBe(RUNS);
    // The case this spec is about: the two imports wrote in between each other. Most runs do (5 of 6
    // on a quiet machine); a loaded one may serialise more of them, so at least one must.
    expect(interleaved).toBeGreaterThanOrEqual(1);
  }, 600_000);
});
