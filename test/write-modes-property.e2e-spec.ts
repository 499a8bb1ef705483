// The write-mode engine (create, upsert, update; real and dry) against a reference model
// (support/assignment-model.ts), on generated cases (support/write-mode-cases.ts): random assignments
// over a small code space (an inactive client, unknown codes), random files of 1-40 rows whose cells
// are empty, valid, #CLEAR / #clear (in every column), invalid, or dates that make the merged range
// invalid, with pairs repeated in other case. Each app has its own batch size, small enough that a
// pair repeats across batches (and, with two connections, in the batch pipelined behind). Every case
// compares the counters, every assignment (values, import code), the not-imported report and the
// change log with the model's; a dry run is then committed and compared as a real run, and the rows a
// real run did not import are retried and compared with the model run on just those rows.
//
// Seeded and bounded: WRITE_MODES_SEED and WRITE_MODES_RUNS (per batch size) override the defaults.
import fc from 'fast-check';
import request from 'supertest';
import { expectedImport, type ModelOutcome, type StoredAssignment } from './support/assignment-model';
import { readAssignments, seedAssignments } from './support/assignments';
import { fetchReport, JobBody, parseReport, seedCatalog, uploadAndWait, waitForEnd } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { CATALOG, caseArb, tally, wantedOutcomes, type WriteModeCase } from './support/write-mode-cases';

const SEED = Number(process.env.WRITE_MODES_SEED ?? 20261200);
const RUNS = Number(process.env.WRITE_MODES_RUNS ?? 30);
const TIME_LIMIT_MS = 120_000; // a loaded 2-core machine ran 8 cases in 60 s

/** Per outcome, how many cases of every batch size reached it (from the model's outcomes). */
const reached = new Map<string, number>();
/** Each outcome in this many cases at least: a generator that drifts from one is noticed. */
const MIN_CASES = 3;
let cases = 0;
/** Cases whose dry run was committed, and cases whose rows not imported were retried. */
const derived = { commits: 0, retries: 0 };

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

    /**
     * A case, then what can follow it: a dry run is committed (the real run of the same file, against
     * the same data, must be what the model says a real run does), and the rows a real run did not
     * import are retried (against the data as the run left it: the model run on just those rows).
     */
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
      const expected = await expectRun(job, existing, c.header, c.rows, c);
      tally(reached, c, expected, config.batch);
      let real = job;
      let realExpected = expected;
      if (c.dryRun) {
        real = await started(`/api/service-imports/${job.code}/commit`);
        derived.commits++;
        expect(real.committedFromCode).toBe(job.code);
        realExpected = await expectRun(real, existing, c.header, c.rows, { ...c, dryRun: false });
        expect(real.commitCountersDiffer).toBe(false);
      }
      if (realExpected.report.length === 0) return;
      const before = await readAssignments(t.dataSource);
      const retry = await started(`/api/service-imports/${real.code}/retry`);
      derived.retries++;
      expect(retry.retryOfCode).toBe(real.code);
      const originals = realExpected.report.map((line) => Number(line[0]));
      await expectRun(
        retry,
        before,
        c.header,
        originals.map((n) => c.rows[n - 1]),
        { ...c, dryRun: false },
        originals,
      );
    }

    async function started(path: string): Promise<JobBody> {
      const res = await request(t.app.getHttpServer()).post(path);
      if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return waitForEnd(t.app, res.body.code);
    }

    /**
     * Compares a finished run with the model's: counters, every assignment, the report and the change
     * log. `originals` (a retry): each row's number in the file first uploaded, a report column.
     */
    async function expectRun(
      job: JobBody,
      existing: StoredAssignment[],
      header: string[],
      rows: string[][],
      run: { mode: WriteModeCase['mode']; dryRun: boolean },
      originals?: number[],
    ): Promise<ModelOutcome> {
      const expected = expectedImport(CATALOG, existing, header, rows, { ...run, code: job.code });
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
      if (originals) {
        expect(report.map((line) => Number(line[1]))).toEqual(
          expected.report.map((line) => originals[Number(line[0]) - 1]),
        );
        report.forEach((line) => line.splice(1, 1));
      }
      expect(report).toEqual(expected.report);

      const log = await request(t.app.getHttpServer())
        .get(`/api/service-imports/${job.code}/changes?limit=100`)
        .expect(200);
      for (const record of log.body.items) {
        if (record.action !== 'Created' || run.dryRun) continue;
        expect(created.get(record.assignmentId)).toBe(`${record.clientCode}/${record.serviceCode}`);
        record.assignmentId = null;
      }
      expect(log.body.items).toEqual(expected.changes);
      // Forgotten once the run ended: just after it is Completed (the pairs go after the status, so that a
      // crash in between cannot lose them before the end is recorded), within a few seconds at most.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [{ pairs }] = await t.dataSource.query(
          `SELECT count(*)::int AS pairs FROM assignment_run_pairs WHERE change_set = (
             SELECT id FROM service_import_jobs WHERE code = $1)`,
          [job.code],
        );
        if (pairs === 0 || Date.now() > deadline) {
          expect(pairs).toBe(0);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return expected;
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
    expect(derived.commits).toBeGreaterThan(0);
    expect(derived.retries).toBeGreaterThan(0);
    // A run the time limit cut short (a loaded machine) saw fewer cases: each outcome at least once then.
    const complete = cases >= RUNS * 3;
    const least = complete ? MIN_CASES : 1;
    const rare = wantedOutcomes(2).filter((w) => (reached.get(w) ?? 0) < least);
    expect(rare.map((w) => `${w}: ${reached.get(w) ?? 0} case(s)`)).toEqual([]);
  });
});
