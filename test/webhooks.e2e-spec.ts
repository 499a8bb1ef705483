// Webhook registration (e2e, API process only): the URL and address rules, one key's webhooks
// invisible to another, the secret shown once, rotation, and the outbox row a job's end writes.
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789abc';
const API_KEYS = `alice:${ALICE},bob:${BOB}`;

describe('webhooks: registration (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_KEYS, APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  const as = (key: string) => ({
    post: (path: string) => request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${key}`),
    get: (path: string) => request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${key}`),
    delete: (path: string) =>
      request(t.app.getHttpServer()).delete(path).set('Authorization', `Bearer ${key}`),
  });
  const register = (key: string, url: string, events = ['import.completed']) =>
    as(key).post('/api/webhooks').send({ url, events });

  it.each([
    ['http without WEBHOOK_ALLOW_HTTP', 'http://203.0.113.5/hook', /must be https/],
    ['loopback 127.0.0.1', 'https://127.0.0.1/hook', /resolves to 127\.0\.0\.1/],
    ['loopback 127.8.9.10', 'https://127.8.9.10:8443/hook', /resolves to 127\.8\.9\.10/],
    ['private 10.x', 'https://10.20.30.40/hook', /resolves to 10\.20\.30\.40/],
    ['private 192.168.x', 'https://192.168.1.1/hook', /private/],
    ['link-local metadata 169.254.169.254', 'https://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['unique-local fd00::', 'https://[fd00::1]/hook', /resolves to fd00::1/],
    ['IPv6 loopback', 'https://[::1]/hook', /resolves to ::1/],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook', /resolves to/],
    ['a name resolving to loopback (localhost)', 'https://localhost/hook', /host localhost resolves to/],
    ['credentials in the URL', 'https://user:pw@203.0.113.5/hook', /credentials/],
    ['not a URL', 'hook', /absolute/],
  ])('refuses %s (400)', async (_case, url, message) => {
    const res = await register(ALICE, url).expect(400);
    expect(res.body.message).toMatch(message);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhooks WHERE url = $1`, [url]);
    expect(n).toBe(0);
  });

  it('refuses unknown or no events (400)', async () => {
    const bad = await register(ALICE, 'https://203.0.113.5/hook', ['import.done']).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('import.completed');
    await register(ALICE, 'https://203.0.113.5/hook', []).expect(400);
    await as(ALICE).post('/api/webhooks').send({ url: 'https://203.0.113.5/hook' }).expect(400);
  });

  it('registers a public https endpoint, shows the secret once, and hides it from another key (404)', async () => {
    const created = await register(ALICE, 'https://203.0.113.5/hook', [
      'import.completed',
      'revert.failed',
    ]).expect(201);
    const hook = created.body;
    expect(hook).toMatchObject({
      url: 'https://203.0.113.5/hook',
      events: ['import.completed', 'revert.failed'],
      previousSecretExpiresDate: null,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const got = await as(ALICE).get(`/api/webhooks/${hook.id}`).expect(200);
    expect(got.body).toEqual({ ...hook, secret: undefined, createdDate: hook.createdDate });
    expect(got.body).not.toHaveProperty('secret');
    const listed = await as(ALICE).get('/api/webhooks').expect(200);
    expect(listed.body.map((w: { id: string }) => w.id)).toContain(hook.id);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);

    // Bob: the webhook does not exist for him.
    expect((await as(BOB).get('/api/webhooks').expect(200)).body).toEqual([]);
    await as(BOB).get(`/api/webhooks/${hook.id}`).expect(404);
    await as(BOB).get(`/api/webhooks/${hook.id}/deliveries`).expect(404);
    await as(BOB).post(`/api/webhooks/${hook.id}/rotate-secret`).expect(404);
    await as(BOB).delete(`/api/webhooks/${hook.id}`).expect(404);
    await as(ALICE).get('/api/webhooks/not-a-uuid').expect(404);
    await as(ALICE).get(`/api/webhooks/${hook.id}`).expect(200); // Bob's delete did nothing

    await as(ALICE).delete(`/api/webhooks/${hook.id}`).expect(204);
    await as(ALICE).get(`/api/webhooks/${hook.id}`).expect(404);
  });

  it('rotate-secret answers a new secret and keeps the old one valid for 24 hours', async () => {
    const hook = (await register(ALICE, 'https://203.0.113.5/rotate').expect(201)).body;
    const before = Date.now();
    const rotated = (await as(ALICE).post(`/api/webhooks/${hook.id}/rotate-secret`).expect(200)).body;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    const expires = Date.parse(rotated.previousSecretExpiresDate);
    expect(expires).toBeGreaterThan(before + 23.9 * 3600_000);
    expect(expires).toBeLessThan(Date.now() + 24.1 * 3600_000);
    const [row] = await t.dataSource.query(`SELECT secret, previous_secret FROM webhooks WHERE id = $1`, [
      hook.id,
    ]);
    expect(row).toEqual({ secret: rotated.secret, previous_secret: hook.secret });
  });

  it("a job's end writes one outbox event per subscribed webhook of its owner, in the same statement", async () => {
    await t.dataSource.query(`DELETE FROM webhooks`);
    const mine = (await register(ALICE, 'https://203.0.113.5/cancelled', ['import.cancelled']).expect(201))
      .body;
    await register(ALICE, 'https://203.0.113.5/completed', ['import.completed']).expect(201);
    await register(BOB, 'https://203.0.113.5/bob', ['import.cancelled']).expect(201);
    const up = await as(ALICE)
      .post('/api/service-imports')
      .attach('file', Buffer.from('clientCode,serviceCode\r\nC1,S1\r\n'), 'one.csv')
      .expect(202);
    // No worker in this process: the job stays Queued until cancelled.
    await as(ALICE).post(`/api/service-imports/${up.body.code}/cancel`).expect(200);
    const events = await t.dataSource.query(
      `SELECT e.webhook_id, e.type, e.status, e.enqueued_at, j.code
         FROM webhook_events e JOIN service_import_jobs j ON j.id = e.job_id`,
    );
    expect(events).toEqual([
      {
        webhook_id: mine.id,
        type: 'import.cancelled',
        status: 'Pending',
        enqueued_at: null,
        code: up.body.code,
      },
    ]);
  });
});
