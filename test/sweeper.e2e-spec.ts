// Imports whose Bull job vanished (Redis flushed or lost) are found by the sweeper and queued again;
// they then run to the same result as if nothing had happened.
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { ImportSweeper } from '../src/import/worker/import.sweeper';
import { seedCatalog, upload, waitForEnd } from './support/imports';
import { createTestApp, deleteQueueKeys, TestApp } from './support/test-app';

describe('sweeper (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedCatalog(t.dataSource, ['C1', 'C2'], [['S1', '1.00']]);
  });
  afterAll(() => t.close());

  it('re-queues an import left Queued after Redis lost its job, and it completes', async () => {
    const queue = t.app.get<Queue>(getQueueToken('service-imports'));
    await queue.pause(true); // this process takes no job while Redis "loses" it
    const res = await upload(t.app, 'clientCode,serviceCode\nC1,S1\nC2,S1\nC3,S1\n', 'lost.csv').expect(202);
    const code = res.body.code as string;
    await deleteQueueKeys(t.config.queuePrefix); // Redis flushed: the Bull job is gone
    await queue.resume(true);
    await new Promise((r) => setTimeout(r, 500));
    const [before] = await t.dataSource.query(`SELECT status FROM service_import_jobs WHERE code = $1`, [
      code,
    ]);
    expect(before.status).toBe('Queued'); // nothing will ever run it without the sweeper

    const sweeper = t.app.get(ImportSweeper);
    sweeper.now = () => new Date(Date.now() + 60_000); // past the grace period for fresh jobs
    await sweeper.sweep();
    const job = await waitForEnd(t.app, code, 30_000);
    expect(job).toMatchObject({ status: 'Completed', totalItems: 3, createdCount: 2, skippedCount: 1 });
  });
});
