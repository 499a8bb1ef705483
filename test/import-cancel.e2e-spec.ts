import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';
import { seedCatalog, upload, waitForEnd, JobBody } from './support/imports';

const clients = Array.from({ length: 100 }, (_, i) => `C${i + 1}`);
const services = Array.from({ length: 1000 }, (_, i): [string, string] => [`S${i + 1}`, '1.00']);

/** 100,000 rows, each a distinct new pair. */
function bigFile(): string {
  const lines = ['clientCode,serviceCode'];
  for (const c of clients) for (const [s] of services) lines.push(`${c},${s}`);
  return lines.join('\n') + '\n';
}

describe('cancelling imports (e2e)', () => {
  describe('while Queued (an API-only process: no worker takes the job)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ APP_ROLE: 'api' })));
    afterAll(() => t.close());

    it('cancels at once and then refuses a second cancel with 409', async () => {
      const created = await upload(t.app, 'clientCode,serviceCode\nC1,S1\n').expect(202);
      const http = request(t.app.getHttpServer());
      const res = await http.post(`/api/service-imports/${created.body.code}/cancel`).expect(200);
      expect(res.body).toMatchObject({
        status: 'Cancelled',
        processedItems: 0,
        notImportedDownloadUrl: null,
      });
      expect(res.body.completedDate).not.toBeNull();
      await http.post(`/api/service-imports/${created.body.code}/cancel`).expect(409);
    });
  });

  describe('while InProgress', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ IMPORT_BATCH_SIZE: '50' });
      await seedCatalog(t.dataSource, clients, services);
    });
    afterAll(() => t.close());

    it('stops at a batch boundary; rows already written stay and the counters tell how many', async () => {
      const created = await upload(t.app, bigFile(), 'big.csv').expect(202);
      const code = created.body.code as string;
      const http = request(t.app.getHttpServer());
      let job: JobBody;
      for (;;) {
        job = (await http.get(`/api/service-imports/${code}`).expect(200)).body;
        if (job.status === 'InProgress' && job.processedItems > 0) break;
        if (job.status !== 'Queued' && job.status !== 'InProgress')
          throw new Error(`unexpected ${job.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const cancelled = await http.post(`/api/service-imports/${code}/cancel`).expect(200);
      expect(cancelled.body.status).toBe('Cancelled');

      const final = await waitForEnd(t.app, code);
      await new Promise((r) => setTimeout(r, 500)); // a batch in flight would have committed by now
      const after = await waitForEnd(t.app, code);
      expect(after).toEqual(final);
      expect(final.status).toBe('Cancelled');
      expect(final.totalItems).toBe(100_000);
      expect(final.processedItems).toBeGreaterThan(0);
      expect(final.processedItems).toBeLessThan(100_000);
      expect(final.processedItems % 50).toBe(0);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM client_billable_services a JOIN service_import_jobs j ON j.id = a.import_job_id
          WHERE j.code = $1`,
        [code],
      );
      expect(n).toBe(final.createdCount);
      expect(final.createdCount).toBe(final.processedItems);
    });
  });
});
