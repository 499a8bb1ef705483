// The write-mode engine (create, upsert, update; real and dry) against a reference model
// (support/assignment-model.ts), on generated cases (support/write-mode-cases.ts): random assignments
// over a small code space (an inactive client, unknown codes), random files of 1-40 rows whose cells
// are empty, valid, #CLEAR / #clear (in every column), invalid, or dates that make the merged range
// invalid, with pairs repeated in other case. Each app has its own batch size, small enough that a
// pair repeats across batches (and, with two connections, in the batch pipelined behind). Every case
// compares the counters, every assignment (values, import code), the not-imported report and the
// change log with the model's.
//
// Seeded and bounded: WRITE_MODES_SEED and WRITE_MODES_RUNS (per batch size) override the defaults.
import fc from 'fast-check';
import request from 'supertest';
import { expectedImport } from './support/assignment-model';
import { readAssignments, seedAssignments } from './support/assignments';
import { fetchReport, parseReport, seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { CATALOG, caseArb, tally, wantedOutcomes, type WriteModeCase } from './support/write-mode-cases';

const SEED = Number(process.env.WRITE_MODES_SEED ?? 20261200);
const RUNS = Number(process.env.WRITE_MODES_RUNS ?? 30);
const TIME_LIMIT_MS = 60_000;

/** Per outcome, how many cases of every batch size reached it (from the model's outcomes). */
const reached = new Map<string, number>();
/** Each outcome in this many cases at least: a generator that drifts from one is noticed. */
const MIN_CASES = 3;
let cases = 0;

describe.each([
  { batch: 1, connections: 2 },
  { batch: 2, connections: 2 },
  { batch: 7, connections: 1 },
])(
  'write modes against a reference model (e2e), batches of $batch on $connections connection(s)',
  (config) => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({
        IMPORT_BATCH_SIZE: String(config.batch),
        IMPORT_DB_CONNECTIONS: String(config.connections),
      });
      await seedCatalog(
        t.dataSource,
        CATALOG.clients.map((c) => c.code),
        CATALOG.services.map((s) => [s.code, s.unitPrice]),
      );
      const inactive = CATALOG.clients.filter((c) => !c.active).map((c) => c.code);
      await t.dataSource.query(`UPDATE clients SET is_active = false WHERE code = ANY($1)`, [inactive]);
    });
    afterAll(() => t.close());

    async function oneCase(c: WriteModeCase): Promise<void> {
      cases++;
      const existing = await seedAssignments(t.dataSource, c.existing);
      const csv = [c.header, ...c.rows].map((r) => r.join(',')).join('\n') + '\n';
      const job = await uploadAndWait(
        t.app,
        csv,
        'case.csv',
        `?mode=${c.mode}${c.dryRun ? '&dryRun=true' : ''}`,
      );
      const expected = expectedImport(CATALOG, existing, c.header, c.rows, { ...c, code: job.code });
      tally(reached, c, expected, config.batch);

      expect(job.status).toBe('Completed');
      expect({
        processedItems: job.processedItems,
        createdCount: job.createdCount,
        updatedCount: job.updatedCount,
        unchangedCount: job.unchangedCount,
        skippedCount: job.skippedCount,
        errorCount: job.errorCount,
      }).toEqual(expected.counters);

      const after = await readAssignments(t.dataSource);
      // What the run created has an id the model cannot know: it is the one the change log names.
      const created = new Map(
        after
          .filter((a) => !existing.some((e) => e.id === a.id))
          .map((a) => [a.id, `${a.client}/${a.service}`]),
      );
      expect(after.map((a) => (created.has(a.id) ? { ...a, id: null } : a))).toEqual(expected.assignments);

      const report = job.notImportedDownloadUrl
        ? parseReport((await fetchReport(job.notImportedDownloadUrl)).text).slice(1)
        : [];
      expect(report).toEqual(expected.report);

      const log = await request(t.app.getHttpServer())
        .get(`/api/service-imports/${job.code}/changes?limit=100`)
        .expect(200);
      for (const record of log.body.items) {
        if (record.action !== 'Created' || c.dryRun) continue;
        expect(created.get(record.assignmentId)).toBe(`${record.clientCode}/${record.serviceCode}`);
        record.assignmentId = null;
      }
      expect(log.body.items).toEqual(expected.changes);
      const [{ pairs }] = await t.dataSource.query(`SELECT count(*)::int AS pairs FROM assignment_run_pairs`);
      expect(pairs).toBe(0); // forgotten once the run ended
    }

    it(
      'every case ends as the model says: counters, assignments, report, change log',
      async () => {
        const before = cases;
        await fc.assert(
          fc.asyncProperty(caseArb, (c) => oneCase(c)),
          {
            seed: SEED + config.batch,
            numRuns: RUNS,
            interruptAfterTimeLimit: TIME_LIMIT_MS,
            markInterruptAsFailure: false,
          },
        );
        // A slow machine may cut the run short, but never to nothing.
        expect(cases - before).toBeGreaterThanOrEqual(Math.min(RUNS, 10));
      },
      TIME_LIMIT_MS + 60_000,
    );
  },
);

describe('the generated cases (write modes)', () => {
  it('reached every outcome and reason, duplicates within, next to and far from their first row', () => {
    expect(cases).toBeGreaterThan(0);
    // A run the time limit cut short (a loaded machine) saw fewer cases: each outcome at least once then.
    const complete = cases >= RUNS * 3;
    const least = complete ? MIN_CASES : 1;
    const rare = wantedOutcomes(2).filter((w) => (reached.get(w) ?? 0) < least);
    expect(rare.map((w) => `${w}: ${reached.get(w) ?? 0} case(s)`)).toEqual([]);
  });
});
