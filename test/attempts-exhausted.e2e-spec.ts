// An import whose every delivery meets a transient fault ends Failed with a reason once Bull has
// used up IMPORT_ATTEMPTS — never stuck InProgress.
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { upload, waitForEnd } from './support/imports';
import { TcpRelay } from './support/tcp-relay';
import { createTestApp, s3Env, TestApp } from './support/test-app';

describe('attempts exhausted (e2e)', () => {
  let t: TestApp;
  const storage = new TcpRelay(new URL(process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:1'));

  beforeAll(async () => {
    await storage.open();
    const s3 = s3Env();
    t = await createTestApp({ ...s3, S3_ENDPOINT: storage.via(s3.S3_ENDPOINT), IMPORT_ATTEMPTS: '2' });
  });
  afterAll(async () => {
    await storage.unblock();
    await t.close();
    await storage.block();
  });

  it('ends Failed naming the attempts and the last error when storage stays down', async () => {
    const queue = t.app.get<Queue>(getQueueToken('service-imports'));
    await queue.pause(true);
    const res = await upload(t.app, 'clientCode,serviceCode\nC1,S1\n', 'doomed.csv').expect(202);
    await storage.block(); // the upload is stored; now the worker cannot read it back
    await queue.resume(true);
    const job = await waitForEnd(t.app, res.body.code, 60_000);
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toMatch(/after 2 attempts/);
    expect(job.completedDate).not.toBeNull();
  });
});
