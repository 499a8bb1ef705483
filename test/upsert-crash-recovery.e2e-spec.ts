// kill -9 of the worker in the middle of an upsert (issue 14, Reliability): the import resumes from
// its last committed batch and must end exactly as a clean run of the same file against the same
// stored assignments. What a batch writes (assignments, change records, the pairs the run handled,
// counters) commits together, so a batch cut short leaves nothing, and no change is recorded twice
// nor reads a before-value from the run's own earlier, rolled-back write. The clean run itself is
// checked against the reference model (support/assignment-model.ts).
import { expectedImport, type StoredAssignment } from './support/assignment-model';
import {
  readAssignments,
  restoreAssignments,
  seedAssignments,
  snapshotAssignments,
} from './support/assignments';
import { bigUpsertFile } from './support/big-file';
import {
  appBesideWorkers,
  cancelUnfinishedImports,
  disturbedImports,
  expectSameAsClean,
  ImportResult,
  SEEDS_MANY_ASSIGNMENTS,
} from './support/disturbed-import';
import { parseReport } from './support/imports';
import { TestApp } from './support/test-app';
import { WorkerFleet } from './support/worker-process';

const ROWS = 200_000;
const CATALOG_PRICE = '5.00';

describe('crash-safe upserts (e2e, worker processes)', () => {
  let t: TestApp;
  const workers = new WorkerFleet(() => t.config);
  const file = bigUpsertFile(ROWS);
  /** The assignments every run starts from, with their ids. */
  let stored: StoredAssignment[];
  let storedById: Map<string, StoredAssignment>;
  let clean: ImportResult;

  beforeAll(async () => {
    // The workers keep the default statement timeout.
    t = await appBesideWorkers(file, SEEDS_MANY_ASSIGNMENTS);
    stored = await seedAssignments(t.dataSource, file.stored);
    storedById = new Map(stored.map((a) => [a.id!, a]));
    await snapshotAssignments(t.dataSource);
    clean = await workers.withWorker(() => runImport(async () => undefined));
  });
  afterEach(async () => {
    await workers.stopAll();
    await cancelUnfinishedImports(t);
    await restoreAssignments(t.dataSource);
  });
  afterAll(() => t.close());

  const startWorker = () => workers.start();

  /** An assignment as compared between runs: the run's own code and the ids it created are new each run. */
  const recordOf = (a: StoredAssignment, code: string) =>
    [
      a.client,
      a.service,
      a.quantity,
      a.unitPrice,
      a.startDate,
      a.endDate,
      a.notes,
      a.importCode === code ? '(this import)' : a.importCode,
      a.id !== null && storedById.has(a.id) ? a.id : '(created)',
    ].join('/');

  const { waitForProgress, runImport } = disturbedImports(() => t, file.csv, {
    query: '?mode=upsert',
    records: async (code) => (await readAssignments(t.dataSource)).map((a) => recordOf(a, code)),
    reset: () => restoreAssignments(t.dataSource),
    changeLog: true,
  });

  /** Each pair changed once at most, and every before-value is the stored one, not the run's own write. */
  function expectOneChangePerPairFromStored(result: ImportResult): void {
    const seen = new Set<string>();
    for (const line of result.changes) {
      const record = JSON.parse(line);
      const pair = `${record.clientCode}/${record.serviceCode}`;
      expect(seen.has(pair) ? pair : null).toBeNull();
      seen.add(pair);
      if (record.action !== 'Updated') continue;
      const before = storedById.get(record.assignmentId)!;
      expect(`${before.client}/${before.service}`).toBe(pair);
      for (const [field, { from }] of Object.entries(record.changes as Record<string, { from: unknown }>)) {
        if (from !== before[field as keyof StoredAssignment]) {
          throw new Error(
            `row ${record.rowNumber}: ${field} from ${JSON.stringify(from)}, stored ${JSON.stringify(before)}`,
          );
        }
      }
    }
  }

  it('a clean run ends as the reference model says, with every outcome', () => {
    const lines = file.csv.trimEnd().split('\n');
    const expected = expectedImport(
      {
        clients: file.clients.map((code) => ({ code, active: true })),
        services: file.services.map(([code]) => ({ code, unitPrice: CATALOG_PRICE })),
      },
      stored,
      lines[0].split(','),
      lines.slice(1).map((line) => line.split(',')),
      { mode: 'upsert', dryRun: false, code: clean.job.code },
    );
    expect(clean.job).toMatchObject({ status: 'Completed', totalItems: ROWS, ...expected.counters });
    for (const count of ['createdCount', 'updatedCount', 'unchangedCount', 'skippedCount', 'errorCount']) {
      expect(clean.job[count]).toBeGreaterThan(ROWS / 100);
    }
    expect(clean.records).toEqual(expected.assignments.map((a) => recordOf(a, clean.job.code)));
    expect(parseReport(clean.report).slice(1)).toEqual(expected.report);
    const reasons = new Set(parseReport(clean.report).map((line) => line[line.length - 2]));
    expect([...reasons].sort()).toEqual([
      'CLIENT_NOT_FOUND',
      'DUPLICATE_IN_FILE',
      'INVALID_DATE_RANGE',
      'INVALID_QUANTITY',
      'reason',
    ]);
    expect(clean.changes).toEqual(
      expected.changes.map((c) => JSON.stringify({ ...c, assignmentId: c.assignmentId ?? '(created)' })),
    );
    expectOneChangePerPairFromStored(clean);
  });

  it('kill -9 of the worker at 25%, 50% and 75% ends exactly as a clean run', async () => {
    const first = await startWorker();
    const result = await runImport(async (code) => {
      await workers.killAt(first, [0.25, 0.5, 0.75], (share) => waitForProgress(code, ROWS * share));
    });
    // Four workers took the job in turn: each kill fell inside the import, not after it.
    const [{ lease }] = await t.dataSource.query(`SELECT lease FROM service_import_jobs WHERE code = $1`, [
      result.job.code,
    ]);
    expect(lease).toBeGreaterThanOrEqual(4);
    expectSameAsClean(result, clean, false);
    expectOneChangePerPairFromStored(result);
  });
});
