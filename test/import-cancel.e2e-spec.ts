import request from 'supertest';
import { AssignmentBulkService } from '../src/clients/assignment-bulk.service';
import { ImportJobStateService } from '../src/import/job/import-job-state.service';
import { ImportPhase } from '../src/import/job/import-status';
import { createTestApp, TestApp } from './support/test-app';
import { fetchReport, seedCatalog, upload, waitForEnd, JobBody } from './support/imports';

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

  /**
   * The rule: once the last batch has committed, the import is finishing. It completes with its
   * report, and a cancel answers 409. The cancel is made to land at each point between the last
   * batch and the end, by pausing the worker there.
   */
  describe('once every row is in', () => {
    let t: TestApp;
    const finishingClients = Array.from({ length: 10 }, (_, i) => `K${i + 1}`);
    const finishingServices = Array.from({ length: 30 }, (_, i): [string, string] => [`Z${i + 1}`, '2.00']);
    beforeAll(async () => {
      t = await createTestApp();
      await seedCatalog(t.dataSource, finishingClients, finishingServices);
    });
    afterAll(() => t.close());

    /** 300 rows (one batch); with `rejects`, unknown clients and bad quantities among them. */
    function smallFile(rejects: boolean): string {
      const lines = ['clientCode,serviceCode,quantity'];
      for (let i = 0; i < 300; i++) {
        const client = rejects && i % 10 === 3 ? `NOPE${i}` : `K${(i % 10) + 1}`;
        const quantity = rejects && i % 15 === 4 ? 'x' : String((i % 3) + 1);
        lines.push(`${client},Z${Math.floor(i / 10) + 1},${quantity}`);
      }
      return lines.join('\n') + '\n';
    }

    interface Pause {
      reached: Promise<void>;
      release: () => void;
    }

    /** Wraps a provider's method: the first call `when` picks waits, before or after the real call. */
    function pauseAt<T extends object>(
      target: T,
      method: keyof T & string,
      when: (...args: any[]) => boolean,
      after: boolean,
    ): Pause & { restore: () => void } {
      const owner = target as Record<string, (...args: any[]) => Promise<unknown>>;
      const original = owner[method];
      let reached!: () => void;
      let release!: () => void;
      const pause = new Promise<void>((r) => (reached = r));
      const gate = new Promise<void>((r) => (release = r));
      let armed = true;
      owner[method] = async (...args: any[]) => {
        if (!armed || !when(...args)) return original.apply(target, args);
        armed = false;
        if (!after) {
          reached();
          await gate;
          return original.apply(target, args);
        }
        const result = await original.apply(target, args);
        reached();
        await gate;
        return result;
      };
      return { reached: pause, release, restore: () => (owner[method] = original) };
    }

    /** The cancel request, sent now; `waits` when it must queue for the job row lock of a batch. */
    async function cancelDuring(code: string, waits: boolean, pause: Pause) {
      const http = request(t.app.getHttpServer());
      const answer = http.post(`/api/service-imports/${code}/cancel`).then((res) => res);
      if (waits) {
        // Until PostgreSQL shows the cancel's UPDATE waiting for the lock the batch holds.
        const deadline = Date.now() + 30_000;
        for (;;) {
          const [{ n }] = await t.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%SET status = ''Cancelled''%'`,
          );
          if (n > 0) break;
          if (Date.now() > deadline) throw new Error('the cancel never waited for the batch');
          await new Promise((r) => setTimeout(r, 20));
        }
        pause.release();
        return await answer;
      }
      const res = await answer;
      pause.release();
      return res;
    }

    const points = [
      { at: 'the last batch holds the job row lock', waits: true },
      { at: 'the last batch has committed', waits: false },
      { at: 'the report is being written', waits: false },
    ] as const;

    async function run(content: string, dryRun: boolean): Promise<{ job: JobBody; report: string }> {
      const res = await upload(t.app, content, 'finishing.csv', dryRun ? '?dryRun=true' : '').expect(202);
      return finish(res.body.code);
    }

    async function finish(code: string): Promise<{ job: JobBody; report: string }> {
      const job = await waitForEnd(t.app, code);
      const report = job.notImportedDownloadUrl ? (await fetchReport(job.notImportedDownloadUrl)).text : '';
      await t.dataSource.query(`DELETE FROM client_billable_services`);
      return { job, report };
    }

    const counters = (j: JobBody) => ({
      status: j.status,
      totalItems: j.totalItems,
      processedItems: j.processedItems,
      createdCount: j.createdCount,
      skippedCount: j.skippedCount,
      errorCount: j.errorCount,
    });

    for (const point of points) {
      for (const rejects of [true, false]) {
        for (const dryRun of [false, true]) {
          const shape = `${rejects ? 'some rows not imported' : 'every row imported'}${dryRun ? ', dry run' : ''}`;
          it(`a cancel when ${point.at} (${shape}) gets 409; the import completes as a clean run`, async () => {
            const content = smallFile(rejects);
            const clean = await run(content, dryRun);
            expect(clean.job.status).toBe('Completed');

            const pause =
              point.at === 'the last batch holds the job row lock'
                ? pauseAt(t.app.get(AssignmentBulkService), 'assignDeferred', () => true, false)
                : pauseAt(
                    t.app.get(ImportJobStateService),
                    'setPhase',
                    (_id: string, _lease: number, phase: ImportPhase) => phase === ImportPhase.WritingReport,
                    point.at === 'the report is being written',
                  );
            try {
              const res = await upload(t.app, content, 'finishing.csv', dryRun ? '?dryRun=true' : '').expect(
                202,
              );
              const code = res.body.code as string;
              await pause.reached;
              const cancel = await cancelDuring(code, point.waits, pause);
              expect({ status: cancel.status, message: cancel.body.message }).toEqual({
                status: 409,
                message: `Import ${code} is finishing: every row is in and it completes with its report; it cannot be cancelled.`,
              });
              const result = await finish(code);
              expect(counters(result.job)).toEqual(counters(clean.job));
              expect(result.report).toBe(clean.report);
              expect(result.job.notImportedDownloadUrl !== null).toBe(rejects);
              if (rejects)
                expect(result.report.split('\r\n').length).toBe(
                  1 + clean.job.skippedCount + clean.job.errorCount + 1,
                );
            } finally {
              pause.release();
              pause.restore();
            }
          });
        }
      }
    }
  });
});
