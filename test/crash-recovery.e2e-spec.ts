import request from 'supertest';
import { bigImportFile } from './support/big-file';
import { JobBody } from './support/imports';
import { TestApp } from './support/test-app';
import {
  appBesideWorkers,
  cancelUnfinishedImports,
  disturbedImports,
  expectSameAsClean,
  ImportResult,
} from './support/disturbed-import';
import { WorkerFleet } from './support/worker-process';

const ROWS = 200_000;

/**
 * The API runs in the test (APP_ROLE=api); imports run in real worker processes that the test kills.
 * Every disturbed run must end exactly as a clean run of the same file: same counters, same records,
 * the identical report.
 */
describe('crash-safe imports (e2e, worker processes)', () => {
  let t: TestApp;
  const workers = new WorkerFleet(() => t.config);
  const file = bigImportFile(ROWS);
  let clean: ImportResult;

  beforeAll(async () => {
    t = await appBesideWorkers(file);
    clean = await workers.withWorker(() => runImport(async () => undefined));
  });
  afterEach(async () => {
    await workers.stopAll();
    await cancelUnfinishedImports(t);
    await t.dataSource.query(`DELETE FROM client_billable_services`);
  });
  afterAll(() => t.close());

  const startWorker = () => workers.start();

  const { jobRow: progress, waitForProgress, runImport } = disturbedImports(() => t, file.csv);

  const expectSameAsCleanRun = (result: ImportResult) => expectSameAsClean(result, clean);

  it('a clean run imports the expected counts', () => {
    expect(clean.job).toMatchObject({ status: 'Completed', totalItems: ROWS, processedItems: ROWS });
    expect(clean.job.skippedCount).toBe((ROWS / 50) * 2); // unknown clients + repeated pairs
    expect(clean.job.errorCount).toBe(ROWS / 50);
    expect(clean.job.createdCount).toBe(ROWS - (ROWS / 50) * 3);
    expect(clean.report.split('\r\n').length).toBe(1 + (ROWS / 50) * 3 + 1);
  });

  it('kill -9 of the worker at 25%, 50% and 75% ends exactly as a clean run', async () => {
    const first = await startWorker();
    const result = await runImport(async (code) => {
      await workers.killAt(first, [0.25, 0.5, 0.75], (share) => waitForProgress(code, ROWS * share));
    });
    expectSameAsCleanRun(result);
  });

  it('a worker paused past its lock cannot write after another took over', async () => {
    const first = await startWorker();
    let processedAtResume = 0;
    const result = await runImport(async (code) => {
      await waitForProgress(code, ROWS * 0.3);
      first.signal('SIGSTOP');
      const [{ lease }] = await t.dataSource.query(`SELECT lease FROM service_import_jobs WHERE code = $1`, [
        code,
      ]);
      await startWorker();
      // Wait until the second worker owns the job and has moved it on, then wake the first one.
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error('the second worker never took the job over');
        const [row] = await t.dataSource.query(
          `SELECT lease, processed_items AS p, status FROM service_import_jobs WHERE code = $1`,
          [code],
        );
        if (row.status !== 'InProgress' || (row.lease > lease && row.p > ROWS * 0.4)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      processedAtResume = (await progress(code)).processed;
      first.signal('SIGCONT');
    });
    expect(processedAtResume).toBeGreaterThan(0);
    expectSameAsCleanRun(result);
  });

  it('SIGTERM mid-import exits within 30 s and the import resumes elsewhere to the identical result', async () => {
    const first = await startWorker();
    let exitMs = 0;
    const result = await runImport(async (code) => {
      await waitForProgress(code, ROWS * 0.4);
      const started = Date.now();
      first.signal('SIGTERM');
      await first.waitForExit();
      exitMs = Date.now() - started;
      await startWorker();
    });
    expect(exitMs).toBeLessThan(30_000);
    // Nest re-raises SIGTERM after a clean shutdown, so the exit shows as the signal; the log tells
    // that the worker handed its import back and closed its connections first.
    expect(first.log).toContain('handed back to the queue (shutdown)');
    expect(first.log).toContain('Worker stopped cleanly');
    expectSameAsCleanRun(result);
  });

  it('keeps the invariant visible through the API while workers die', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/service-imports?limit=100').expect(200);
    for (const job of res.body.items as JobBody[]) {
      expect(job.processedItems).toBe(job.createdCount + job.skippedCount + job.errorCount);
    }
  });
});
