// A job that kills every worker that takes it (a heap it exhausts, a crash) must not cycle through
// the fleet forever: each delivery that ends because its worker died is counted on the job row, and
// after IMPORT_ATTEMPTS such deaths the next worker ends the import Failed, saying so, and lives.
import { Client } from 'pg';
import { seedCatalog, upload, waitForEnd } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { WorkerProcess } from './support/worker-process';

const ATTEMPTS = 3;

describe('an import whose worker keeps dying (e2e, worker processes)', () => {
  let t: TestApp;
  const workers: WorkerProcess[] = [];
  let blocker: Client;

  beforeAll(async () => {
    t = await createTestApp({
      APP_ROLE: 'api',
      IMPORT_ATTEMPTS: String(ATTEMPTS),
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    });
    await seedCatalog(t.dataSource, ['K1', 'K2'], [['Z1', '1.00']]);
    blocker = new Client({ connectionString: t.databaseUrl });
    await blocker.connect();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await blocker.end().catch(() => undefined);
    await t.close();
  });

  async function startWorker(): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(t.config);
    workers.push(worker);
    return worker;
  }

  it(`ends Failed after ${ATTEMPTS} worker deaths without progress; the next worker lives`, async () => {
    // No batch can commit while this lock is held, so no delivery makes progress before it dies.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE client_billable_services IN ACCESS EXCLUSIVE MODE');
    const res = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\nK2,Z1\n', 'poison.csv').expect(202);
    const code = res.body.code as string;

    for (let death = 1; death <= ATTEMPTS; death++) {
      const worker = await startWorker();
      await worker.waitForOutput(/Run \d+ starts/, 60_000); // it took the job: the delivery is open
      worker.signal('SIGKILL');
      expect((await worker.waitForExit()).signal).toBe('SIGKILL');
    }

    const survivor = await startWorker();
    const job = await waitForEnd(t.app, code, 60_000);
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toContain(
      `The import's worker died ${ATTEMPTS} times while running it (last in phase Importing)`,
    );
    expect(job.processedItems).toBe(0);

    // Nothing takes the job again, and the worker that failed it goes on living.
    const [{ lease }] = await t.dataSource.query(`SELECT lease FROM service_import_jobs WHERE code = $1`, [
      code,
    ]);
    await new Promise((r) => setTimeout(r, 4000)); // past the lock and a few stalled checks
    expect(survivor.alive).toBe(true);
    expect(survivor.log).toContain(`worker died ${ATTEMPTS} times`);
    const [after] = await t.dataSource.query(
      `SELECT lease, status, delivery_open FROM service_import_jobs WHERE code = $1`,
      [code],
    );
    expect(after).toEqual({ lease, status: 'Failed', delivery_open: false });
    await blocker.query('ROLLBACK');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM client_billable_services`);
    expect(n).toBe(0);
  });

  it('a worker that dies after committing batches starts the count again; a clean end is no death', async () => {
    await Promise.all(workers.map((w) => w.stop()));
    const res = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\nK2,Z1\n', 'healthy.csv').expect(202);
    const code = res.body.code as string;
    // As if ATTEMPTS - 1 deliveries had died, then one committed rows (processed_items moved past the
    // checkpoint of the last death) and died too: that death counts 1, not ATTEMPTS.
    await t.dataSource.query(
      `UPDATE service_import_jobs SET worker_deaths = $2, deaths_checkpoint = -1, delivery_open = true
        WHERE code = $1`,
      [code, ATTEMPTS - 1],
    );
    await startWorker();
    const job = await waitForEnd(t.app, code, 60_000);
    expect(job.status).toBe('Completed');
    const [row] = await t.dataSource.query(
      `SELECT worker_deaths, delivery_open FROM service_import_jobs WHERE code = $1`,
      [code],
    );
    expect(row).toEqual({ worker_deaths: 1, delivery_open: false });
  });
});
