// Webhook deliveries (e2e, API and worker in one process, a receiver on loopback): a signed POST
// verified as the README shows, retries after 500s and after a timeout with the attempts listed,
// an event failed for good after its last attempt, redelivery, and both signatures after a rotation.
import request from 'supertest';
import { fetchReport, seedCatalog, uploadAndWait, waitForEnd } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { verifyWebhook, WebhookReceiver } from './support/webhook-receiver';

const ATTEMPTS = 4;

describe('webhooks: deliveries (e2e)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_BACKOFF_MS: '200',
      WEBHOOK_ATTEMPTS: String(ATTEMPTS),
      WEBHOOK_POLL_MS: '100',
    });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '10.00']]);
  });
  afterEach(async () => {
    await t.dataSource.query(`DELETE FROM webhooks`);
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    receiver.respond = () => 200;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const http = () => request(t.app.getHttpServer());
  async function register(path: string, events = ['import.completed']) {
    const res = await http()
      .post('/api/webhooks')
      .send({ url: receiver.url(path), events })
      .expect(201);
    return res.body as { id: string; secret: string };
  }
  /** One row imported, one skipped (unknown client): the job has a not-imported report. */
  const importOnce = () => uploadAndWait(t.app, 'clientCode,serviceCode\r\nC1,S1\r\nNOPE,S1\r\n', 'two.csv');
  async function deliveriesOf(id: string, count: number) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await http().get(`/api/webhooks/${id}/deliveries?limit=100`).expect(200);
      const done = res.body.items.length >= count && res.body.items[0].eventStatus !== 'Pending';
      if (done || Date.now() > deadline) return res.body.items.slice().reverse(); // oldest first
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('POSTs the signed event with the job DTO and a fresh report link; the README check accepts it', async () => {
    const hook = await register('/signed');
    const job = await importOnce();
    const [delivery] = await receiver.waitFor('/signed', 1);
    const signature = String(delivery.headers['webhook-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(delivery.body, signature, hook.secret)).toBe(true);
    expect(verifyWebhook(delivery.body, signature, 'whsec_another')).toBe(false);
    expect(verifyWebhook(`${delivery.body} `, signature, hook.secret)).toBe(false);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toBe(delivery.json.id);
    expect(delivery.json).toMatchObject({
      type: 'import.completed',
      data: { code: job.code, status: 'Completed', createdCount: 1, skippedCount: 1, kind: 'import' },
    });
    expect(Math.abs(delivery.json.created - Date.now() / 1000)).toBeLessThan(600);
    const report = await fetchReport(String(delivery.json.data.notImportedDownloadUrl));
    expect(report.text).toContain('NOPE');

    const [attempt] = await deliveriesOf(hook.id, 1);
    expect(attempt).toMatchObject({
      eventId: delivery.json.id,
      type: 'import.completed',
      importCode: job.code,
      attempt: 1,
      statusCode: 200,
      error: null,
      responseBody: 'answer 200',
      nextRetryDate: null,
      eventStatus: 'Delivered',
    });
  });

  it('a replay older than 5 minutes fails the README check even with a valid signature', async () => {
    const { createHmac } = await import('node:crypto');
    const hook = await register('/replay');
    await importOnce();
    const [delivery] = await receiver.waitFor('/replay', 1);
    const old = Math.floor(Date.now() / 1000) - 301;
    const v1 = createHmac('sha256', hook.secret).update(`${old}.${delivery.body}`).digest('hex');
    expect(verifyWebhook(delivery.body, `t=${old},v1=${v1}`, hook.secret)).toBe(false);
    expect(verifyWebhook(delivery.body, `t=${old + 60},v1=${v1}`, hook.secret)).toBe(false);
  });

  it('retries after 500s with the same event id until a 2xx; each attempt is listed', async () => {
    receiver.respond = (_r, n) => (n <= 2 ? 500 : 204);
    const hook = await register('/flaky');
    await importOnce();
    const received = await receiver.waitFor('/flaky', 3);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of received)
      expect(verifyWebhook(r.body, String(r.headers['webhook-signature']), hook.secret)).toBe(true);
    const attempts = await deliveriesOf(hook.id, 3);
    expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 204]);
    expect(attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[0]).toMatchObject({ error: 'answered 500', responseBody: 'answer 500' });
    expect(attempts[0].nextRetryDate).not.toBeNull();
    expect(attempts[2]).toMatchObject({ error: null, nextRetryDate: null, eventStatus: 'Delivered' });
  });

  it('retries after a timeout (WEBHOOK_TIMEOUT_MS)', async () => {
    receiver.respond = (_r, n) => (n === 1 ? 'hang' : 200);
    const hook = await register('/slow');
    await importOnce();
    await receiver.waitFor('/slow', 2);
    const attempts = await deliveriesOf(hook.id, 2);
    expect(attempts[0]).toMatchObject({ statusCode: null, error: 'no answer within 1500 ms' });
    expect(attempts[0].durationMs).toBeGreaterThanOrEqual(1500);
    expect(attempts[1]).toMatchObject({ statusCode: 200, eventStatus: 'Delivered' });
  });

  it('does not follow a redirect (a failed attempt) and keeps at most 1 KB of the answer', async () => {
    receiver.respond = (r) =>
      r.path === '/moved'
        ? { status: 302, body: 'x'.repeat(5000), headers: { Location: receiver.url('/elsewhere') } }
        : 200;
    const hook = await register('/moved');
    await importOnce();
    await receiver.waitFor('/moved', 2);
    const [first] = await deliveriesOf(hook.id, 1);
    expect(first).toMatchObject({ statusCode: 302, error: 'answered 302' });
    expect(first.responseBody).toBe('x'.repeat(1024));
    expect(receiver.on('/elsewhere')).toHaveLength(0);
  });

  it('marks the event Failed after its last attempt; a redelivery sends it again with the same id', async () => {
    receiver.respond = () => 503;
    const hook = await register('/down');
    await importOnce();
    await receiver.waitFor('/down', ATTEMPTS);
    const attempts = await deliveriesOf(hook.id, ATTEMPTS);
    expect(attempts).toHaveLength(ATTEMPTS);
    expect(attempts.every((a: { statusCode: number }) => a.statusCode === 503)).toBe(true);
    expect(attempts[ATTEMPTS - 1]).toMatchObject({ nextRetryDate: null, eventStatus: 'Failed' });
    expect(attempts[ATTEMPTS - 2].nextRetryDate).not.toBeNull();

    receiver.respond = () => 200;
    await http().post(`/api/webhooks/${hook.id}/deliveries/${attempts[0].id}/redeliver`).expect(202);
    const all = await receiver.waitFor('/down', ATTEMPTS + 1);
    expect(all[ATTEMPTS].headers['webhook-id']).toBe(all[0].headers['webhook-id']);
    const after = await deliveriesOf(hook.id, ATTEMPTS + 1);
    expect(after[ATTEMPTS]).toMatchObject({
      attempt: ATTEMPTS + 1,
      statusCode: 200,
      eventStatus: 'Delivered',
    });
    const other = '00000000-0000-4000-8000-000000000000';
    await http().post(`/api/webhooks/${hook.id}/deliveries/${other}/redeliver`).expect(404);
  });

  it('a revert sends revert.completed (and not import.completed) to the webhooks subscribed to it', async () => {
    const reverts = await register('/reverts', ['revert.completed']);
    const imports = await register('/imports', ['import.completed']);
    const job = await importOnce();
    const res = await http().post(`/api/service-imports/${job.code}/revert`).expect(202);
    const revert = await waitForEnd(t.app, res.body.code);
    const [delivery] = await receiver.waitFor('/reverts', 1);
    expect(delivery.json).toMatchObject({
      type: 'revert.completed',
      data: { code: revert.code, kind: 'revert', status: 'Completed', revertsCode: job.code },
    });
    expect(verifyWebhook(delivery.body, String(delivery.headers['webhook-signature']), reverts.secret)).toBe(
      true,
    );
    await deliveriesOf(imports.id, 1);
    expect(receiver.on('/imports').map((r) => r.json.data.code)).toEqual([job.code]);
    expect(receiver.on('/reverts')).toHaveLength(1);
  });

  it('after rotate-secret a delivery carries two signatures: the new and the old secret both verify', async () => {
    const hook = await register('/rotated');
    const rotated = (await http().post(`/api/webhooks/${hook.id}/rotate-secret`).expect(200)).body;
    await importOnce();
    const [delivery] = await receiver.waitFor('/rotated', 1);
    const signature = String(delivery.headers['webhook-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(delivery.body, signature, rotated.secret)).toBe(true);
    expect(verifyWebhook(delivery.body, signature, hook.secret)).toBe(true);
    // Once the old secret's 24 hours are over, only the new one signs.
    await t.dataSource.query(`UPDATE webhooks SET previous_secret_expires_at = now() WHERE id = $1`, [
      hook.id,
    ]);
    await importOnce();
    const [, later] = await receiver.waitFor('/rotated', 2);
    const laterSignature = String(later.headers['webhook-signature']);
    expect(laterSignature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(later.body, laterSignature, rotated.secret)).toBe(true);
    expect(verifyWebhook(later.body, laterSignature, hook.secret)).toBe(false);
  });
});
