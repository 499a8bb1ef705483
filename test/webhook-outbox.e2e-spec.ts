// The outbox (e2e, an API process and real worker processes): an import's event is written with its
// end, so a worker killed (SIGKILL) after the job is final and before any delivery loses nothing:
// another worker delivers it. And the target is checked again at delivery, on the resolved address.
import request from 'supertest';
import { seedCatalog, upload, waitForEnd } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { verifyWebhook, WebhookReceiver } from './support/webhook-receiver';
import { WorkerProcess } from './support/worker-process';

const ALLOW = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '200' };

describe('webhooks: the outbox survives a worker crash (e2e, worker processes)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let workers: WorkerProcess[] = [];
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({ APP_ROLE: 'api', ...ALLOW });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '10.00']]);
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
    await t.dataSource.query(`DELETE FROM webhooks`);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(t.config, env);
    workers.push(worker);
    return worker;
  }
  async function register(path: string) {
    const res = await request(t.app.getHttpServer())
      .post('/api/webhooks')
      .send({ url: receiver.url(path), events: ['import.completed'] })
      .expect(201);
    return res.body as { id: string; secret: string };
  }
  const eventsOf = (code: string) =>
    t.dataSource.query(
      `SELECT e.status, e.enqueued_at IS NOT NULL AS enqueued, e.attempts
         FROM webhook_events e JOIN service_import_jobs j ON j.id = e.job_id WHERE j.code = $1`,
      [code],
    );

  it('kill -9 of the worker after the job is final, before delivery: a new worker delivers the event', async () => {
    const hook = await register('/crash');
    // This worker's relay runs once at start-up (before the import exists), then not for an hour:
    // the event stays in the outbox, undelivered, when the worker dies.
    const first = await startWorker({ ...ALLOW, WEBHOOK_POLL_MS: '3600000' });
    const up = await upload(t.app, 'clientCode,serviceCode\r\nC1,S1\r\n', 'crash.csv').expect(202);
    const job = await waitForEnd(t.app, up.body.code);
    expect(job.status).toBe('Completed');
    expect(await eventsOf(job.code)).toEqual([{ status: 'Pending', enqueued: false, attempts: 0 }]);
    first.signal('SIGKILL');
    expect((await first.waitForExit()).signal).toBe('SIGKILL');
    expect(receiver.on('/crash')).toHaveLength(0);

    await startWorker({ ...ALLOW, WEBHOOK_POLL_MS: '100' });
    const [delivery] = await receiver.waitFor('/crash', 1);
    expect(verifyWebhook(delivery.body, String(delivery.headers['webhook-signature']), hook.secret)).toBe(
      true,
    );
    expect(delivery.json).toMatchObject({
      type: 'import.completed',
      data: { code: job.code, status: 'Completed' },
    });
    const deadline = Date.now() + 30_000;
    while ((await eventsOf(job.code))[0].status === 'Pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await eventsOf(job.code)).toEqual([{ status: 'Delivered', enqueued: true, attempts: 1 }]);
  });

  it('checks the address again at delivery: a worker without WEBHOOK_ALLOW_PRIVATE refuses loopback', async () => {
    const hook = await register('/recheck');
    await startWorker({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'false',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_BACKOFF_MS: '100',
      WEBHOOK_ATTEMPTS: '2',
    });
    const up = await upload(t.app, 'clientCode,serviceCode\r\nC1,S1\r\n', 'recheck.csv').expect(202);
    const job = await waitForEnd(t.app, up.body.code);
    const deadline = Date.now() + 60_000;
    while ((await eventsOf(job.code))[0]?.status !== 'Failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await request(t.app.getHttpServer()).get(`/api/webhooks/${hook.id}/deliveries`).expect(200);
    expect(res.body.items).toHaveLength(2);
    for (const attempt of res.body.items) {
      expect(attempt).toMatchObject({ statusCode: null, eventStatus: 'Failed' });
      expect(attempt.error).toMatch(/^refused: .*resolves to 127\.0\.0\.1/);
    }
    expect(receiver.on('/recheck')).toHaveLength(0);
  });
});
