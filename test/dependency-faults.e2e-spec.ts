// Dependency faults during real imports: each must end with a clear answer, nothing lost and nothing
// written twice. The app reaches Redis and the S3 server through TCP relays the test can close, and
// PostgreSQL directly, so that its connections can be terminated with pg_terminate_backend.
import { Client } from 'pg';
import request from 'supertest';
import { bigImportFile } from './support/big-file';
import { fetchReport, seedCatalog, upload, waitForEnd } from './support/imports';
import { TcpRelay } from './support/tcp-relay';
import { createTestApp, PG_SERVER_URL, REDIS_URL, s3Env, TestApp } from './support/test-app';

const ROWS = 100_000;
const expected = {
  status: 'Completed',
  totalItems: ROWS,
  processedItems: ROWS,
  createdCount: ROWS - (ROWS / 50) * 3,
  skippedCount: (ROWS / 50) * 2,
  errorCount: ROWS / 50,
};

describe('dependency faults (e2e)', () => {
  let t: TestApp;
  const redis = new TcpRelay(new URL(REDIS_URL));
  const storage = new TcpRelay(new URL(process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:1'));
  const file = bigImportFile(ROWS);

  beforeAll(async () => {
    await redis.open();
    await storage.open();
    const s3 = s3Env();
    t = await createTestApp({
      ...s3,
      S3_ENDPOINT: storage.via(s3.S3_ENDPOINT),
      REDIS_URL: redis.via(REDIS_URL),
      IMPORT_BATCH_SIZE: '1000',
    });
    await seedCatalog(t.dataSource, file.clients, file.services);
  });
  afterAll(async () => {
    await redis.unblock();
    await storage.unblock();
    await t.close();
    await redis.block();
    await storage.block();
  });

  async function processed(code: string): Promise<number> {
    const [row] = await t.dataSource.query(
      `SELECT processed_items AS p FROM service_import_jobs WHERE code = $1`,
      [code],
    );
    return row.p;
  }

  async function waitForProgress(code: string, atLeast: number): Promise<void> {
    for (let i = 0; i < 6000 && (await processed(code)) < atLeast; i++)
      await new Promise((r) => setTimeout(r, 10));
  }

  /** Runs the import, lets `fault` strike at 30 %, and checks the result is exactly a clean run's. */
  async function importThrough(fault: (code: string) => Promise<void>): Promise<void> {
    const res = await upload(t.app, file.csv, 'big.csv').expect(202);
    const code = res.body.code as string;
    await waitForProgress(code, ROWS * 0.3);
    await fault(code);
    const job = await waitForEnd(t.app, code, 120_000);
    expect(job).toMatchObject(expected);
    const [{ n, pairs }] = await t.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT (client_id, billable_service_id))::int AS pairs
         FROM client_billable_services a JOIN service_import_jobs j ON j.id = a.import_job_id WHERE j.code = $1`,
      [code],
    );
    expect({ n, pairs }).toEqual({ n: expected.createdCount, pairs: expected.createdCount });
    const report = await fetchReport(job.notImportedDownloadUrl!);
    expect(report.text.split('\r\n').length).toBe(1 + expected.skippedCount + expected.errorCount + 1);
    await t.dataSource.query(`DELETE FROM client_billable_services`);
  }

  it('PostgreSQL connections killed mid-import: the batch rolls back, is retried, and the service reconnects', async () => {
    await importThrough(async () => {
      const admin = new Client({ connectionString: `${PG_SERVER_URL}/postgres` });
      await admin.connect();
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [new URL(t.databaseUrl).pathname.slice(1)],
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
    });
    await request(t.app.getHttpServer()).get('/health').expect(200);
  });

  it('Redis gone for two seconds mid-import: the worker reconnects and continues', async () => {
    await importThrough(async () => {
      await redis.block();
      await new Promise((r) => setTimeout(r, 2000));
      await redis.unblock();
    });
  });

  it('object storage gone mid-import: the run is retried and the job completes with its report', async () => {
    await importThrough(async (code) => {
      await storage.block();
      await new Promise((r) => setTimeout(r, 2000));
      const [row] = await t.dataSource.query(`SELECT status FROM service_import_jobs WHERE code = $1`, [
        code,
      ]);
      expect(['Queued', 'InProgress']).toContain(row.status); // never Completed without its report
      await storage.unblock();
    });
  });

  it('an upload while storage is down answers 503 and leaves no job', async () => {
    const [{ before }] = await t.dataSource.query(`SELECT count(*)::int AS before FROM service_import_jobs`);
    await storage.block();
    try {
      const res = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\n', 'down.csv');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      await storage.unblock();
    }
    const [{ after }] = await t.dataSource.query(`SELECT count(*)::int AS after FROM service_import_jobs`);
    expect(after).toBe(before);
  });

  it('an upload while Redis is down answers 503 and leaves no job behind', async () => {
    const [{ before }] = await t.dataSource.query(`SELECT count(*)::int AS before FROM service_import_jobs`);
    await redis.block();
    try {
      const res = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\n', 'no-queue.csv');
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/queue/i);
    } finally {
      await redis.unblock();
    }
    const [{ after }] = await t.dataSource.query(`SELECT count(*)::int AS after FROM service_import_jobs`);
    expect(after).toBe(before);
  });
});
