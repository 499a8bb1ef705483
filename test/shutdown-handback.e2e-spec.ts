import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Client } from 'pg';
import { bigImportFile } from './support/big-file';
import { TestApp } from './support/test-app';
import {
  appBesideWorkers,
  disturbedImports,
  expectSameAsClean,
  ImportResult,
} from './support/disturbed-import';
import { WorkerFleet, WorkerProcess } from './support/worker-process';

const ROWS = 60_000;
/**
 * Where the six SIGTERMs land, as shares of the file, each also past where the hand-back before left
 * it. Under load a worker can go on for thousands of rows between the signal and its stop (batches in
 * flight, a slow event loop), so the points end before the middle: the last hand-back must still find
 * rows left to hand back (once, 0.8 met a run that had started at 87 % and finished instead).
 */
const SIGTERM_AT = [0.05, 0.13, 0.21, 0.29, 0.37, 0.45];

/**
 * A clean shutdown (SIGTERM) hands the running import back to the queue. That hand-back is not an
 * attempt: more rolling restarts than IMPORT_ATTEMPTS during one import must not fail it, and the
 * job must go straight back to waiting (no 2 s, 4 s, 8 s... retry backoff).
 */
describe('SIGTERM hand-back is not an attempt (e2e, worker processes)', () => {
  let t: TestApp;
  let queue: Queue;
  const workers = new WorkerFleet(() => t.config);
  const file = bigImportFile(ROWS);
  let clean: ImportResult;

  beforeAll(async () => {
    // Many small batches, so six shutdowns fit in one import of a modest file.
    t = await appBesideWorkers(file, { IMPORT_BATCH_SIZE: '250', IMPORT_ATTEMPTS: '5' });
    queue = t.app.get<Queue>(getQueueToken('service-imports'));
    clean = await workers.withWorker(() => runImport(async () => undefined));
  });
  afterEach(() => workers.stopAll());
  afterAll(() => t.close());

  const startWorker = () => workers.start();

  const { jobRow, waitForProgress, runImport } = disturbedImports(() => t, file.csv);

  /**
   * SIGTERM while no batch can commit: a connection holds a lock the batches' writes wait for, so the
   * signal lands mid-import however slow the loaded machine makes the worker to handle it (without
   * it, a worker once read and committed the rest of the file between the signal and its handling).
   * The lock is let go once the worker says it is shutting down; the batches in flight then commit.
   */
  async function sigtermWhileBatchesWait(
    worker: WorkerProcess,
    code: string,
    atLeast: number,
  ): Promise<void> {
    const blocker = new Client({ connectionString: t.databaseUrl });
    await blocker.connect();
    try {
      // The lock first, then the progress it holds still: the signal lands right past `atLeast`.
      for (;;) {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE client_billable_services IN SHARE MODE');
        const { rows } = await blocker.query<{ n: number }>(
          `SELECT processed_items AS n FROM service_import_jobs WHERE code = $1`,
          [code],
        );
        if (rows[0].n >= atLeast) break;
        await blocker.query('COMMIT');
        await new Promise((r) => setTimeout(r, 20));
      }
      worker.signal('SIGTERM');
      await worker.waitForOutput(/Shutting down/, 60_000);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end().catch(() => undefined);
    }
  }

  it('six SIGTERMs during one import (IMPORT_ATTEMPTS 5): it completes exactly as a clean run', async () => {
    expect(clean.job).toMatchObject({ status: 'Completed', totalItems: ROWS, processedItems: ROWS });
    let handBacks = 0;
    const logs: string[] = [];
    let worker = await startWorker();
    const result = await runImport(async (code) => {
      let checkpoint = 0;
      for (const share of SIGTERM_AT) {
        // Past the share, and past where the last hand-back left it: the new worker runs the import.
        await waitForProgress(code, Math.max(ROWS * share, checkpoint + 1));
        await sigtermWhileBatchesWait(worker, code, Math.max(ROWS * share, checkpoint + 1));
        await worker.waitForExit();
        logs.push(worker.log);
        expect(worker.log).toContain('handed back to the queue (shutdown)');
        // No worker runs now: Bull's job is where the hand-back left it.
        const row = await jobRow(code);
        const job = await queue.getJob(row.id);
        const bull = { state: job ? await job.getState() : 'missing', attemptsMade: job?.attemptsMade };
        // Straight back to waiting (not delayed by a backoff), no attempt used, mid-way through the file.
        expect(bull).toEqual({ state: 'waiting', attemptsMade: 0 });
        handBacks++;
        expect(row.processed).toBeGreaterThan(checkpoint);
        expect(row.processed).toBeLessThan(ROWS);
        expect(row.status).toBe('InProgress');
        checkpoint = row.processed;
        worker = await startWorker();
      }
    });
    logs.push(worker.log);

    expect(handBacks).toBe(SIGTERM_AT.length);
    expect(logs.join('\n')).not.toMatch(/Attempt \d+ failed/);

    expectSameAsClean(result, clean);
  });
});
