// The not-imported report is written on a thread with a heap of its own: a report that exhausts it
// ends that thread and fails the run (retried, then Failed with the reason), and the process that
// also answers HTTP (APP_ROLE=all) lives on.
import request from 'supertest';
import { ReportWriter } from '../src/import/worker/engine/report-writer';
import { upload, uploadAndWait, waitForEnd } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

describe('the report thread (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_ATTEMPTS: '1' });
  });
  afterAll(() => t.close());

  it('a report thread out of heap fails the import, not the process', async () => {
    const writer = t.app.get(ReportWriter);
    const csv = ['clientCode,serviceCode,notes', ...Array.from({ length: 3000 }, (_, i) => `NOPE${i},Z1,n`)];
    writer.threadLimits = { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 };
    try {
      const res = await upload(t.app, csv.join('\n'), 'starved.csv').expect(202);
      const job = await waitForEnd(t.app, res.body.code, 60_000);
      expect(job.status).toBe('Failed');
      expect(job.failureReason).toMatch(/report thread/i);
      expect(job.failureReason).toMatch(/memory/i);
    } finally {
      writer.threadLimits = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };
    }
    await request(t.app.getHttpServer()).get('/health').expect(200);
    // The same process writes the report of the same file once the thread has its heap again.
    const again = await uploadAndWait(t.app, csv.join('\n'), 'fed.csv');
    expect(again).toMatchObject({ status: 'Completed', skippedCount: 3000 });
    expect(again.notImportedDownloadUrl).not.toBeNull();
  });
});
