// /health against real dependencies. To take one dependency down *after* start-up (the app cannot
// boot without PostgreSQL, and storage is checked at start-up too), the app reaches PostgreSQL, Redis
// and the S3 server through small TCP relays on loopback. `block()` closes a relay's port and cuts its
// open connections, which is exactly "the dependency is at a closed port"; `unblock()` listens on the
// same port again, so the same app must recover.
import { mkdirSync, rmSync } from 'node:fs';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TcpRelay } from './support/tcp-relay';
import { createTestApp, PG_SERVER_URL, REDIS_URL, s3Env, TestApp } from './support/test-app';

type HealthBody = { status?: string; details: Record<string, { status: string; message?: string }> };

async function healthy(http: App): Promise<HealthBody> {
  const res = await request(http).get('/health').expect(200);
  expect(res.body.status).toBe('ok');
  return res.body as HealthBody;
}

/** A 503 in the service's error shape whose message and details name the dependency that is down. */
async function unhealthy(http: App, down: string): Promise<HealthBody> {
  const res = await request(http).get('/health').expect(503);
  expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  expect(res.body.message).toContain(down);
  return res.body as HealthBody;
}

/**
 * Reconnection (pg pool, ioredis back-off, S3 agent) takes a moment; poll until healthy again. The
 * bound says "recovers by itself", not how fast: on a loaded machine one health check (a query, a
 * PING, a HeadBucket the SDK may retry three times) can take seconds, so leave room for several.
 */
async function eventuallyHealthy(http: App, timeoutMs = 60_000): Promise<HealthBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(http).get('/health');
    if (res.status === 200 || Date.now() > deadline) {
      expect(res.status).toBe(200);
      return res.body as HealthBody;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function statuses(body: HealthBody): Record<string, string> {
  return Object.fromEntries(Object.entries(body.details).map(([name, detail]) => [name, detail.status]));
}

describe('GET /health (e2e)', () => {
  describe('with the default local storage driver', () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp();
    });

    afterAll(async () => {
      await testApp?.close();
    });

    it('is 200 with database, redis and storage up', async () => {
      const body = await healthy(testApp.app.getHttpServer());
      expect(body).toMatchObject({
        status: 'ok',
        details: {
          database: { status: 'up' },
          redis: { status: 'up' },
          storage: { status: 'up', driver: 'local' },
        },
      });
    });

    it('checks only the dependencies named in ?check=, and refuses a name it does not know', async () => {
      const http = request(testApp.app.getHttpServer());
      const one = await http.get('/health?check=database').expect(200);
      expect(Object.keys(one.body.details)).toEqual(['database']);
      const two = await http.get('/health?check=redis&check=storage').expect(200);
      expect(Object.keys(two.body.details).sort()).toEqual(['redis', 'storage']);
      expect(
        Object.keys((await http.get('/health?check=storage,database').expect(200)).body.details).sort(),
      ).toEqual(['database', 'storage']);
      for (const bad of ['disk', 'database,', '', 'Database']) {
        const res = await http.get(`/health?check=${bad}`).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
    });

    it('is not under the /api prefix', async () => {
      await request(testApp.app.getHttpServer()).get('/api/health').expect(404);
    });

    it('is 503 naming storage when the storage folder is gone', async () => {
      const http = testApp.app.getHttpServer();
      rmSync(testApp.config.storage.localDir, { recursive: true, force: true });
      try {
        const body = await unhealthy(http, 'storage');
        expect(statuses(body)).toEqual({ database: 'up', redis: 'up', storage: 'down' });
      } finally {
        mkdirSync(testApp.config.storage.localDir, { recursive: true });
      }
      await eventuallyHealthy(http);
    });
  });

  describe('with each dependency behind a relay that can be closed', () => {
    let testApp: TestApp;
    let http: App;
    const relays: Record<'database' | 'redis' | 'storage', TcpRelay> = {} as never;

    beforeAll(async () => {
      const s3 = s3Env();
      relays.database = await new TcpRelay(new URL(PG_SERVER_URL)).open();
      relays.redis = await new TcpRelay(new URL(REDIS_URL)).open();
      relays.storage = await new TcpRelay(new URL(s3.S3_ENDPOINT)).open();
      const databaseName = `si_test_health_${process.pid}_${Date.now()}`;
      testApp = await createTestApp({
        ...s3,
        DATABASE_URL: `${relays.database.via(PG_SERVER_URL)}/${databaseName}`,
        REDIS_URL: relays.redis.via(REDIS_URL),
        S3_ENDPOINT: relays.storage.via(s3.S3_ENDPOINT),
      });
      http = testApp.app.getHttpServer();
    });

    afterAll(async () => {
      // Reopen everything first, so that the app shuts down cleanly.
      for (const relay of Object.values(relays)) if (relay.port) await relay.unblock();
      await testApp?.close();
      for (const relay of Object.values(relays)) await relay.block();
    });

    it('is 200 while everything answers', async () => {
      const body = await healthy(http);
      expect(statuses(body)).toEqual({ database: 'up', redis: 'up', storage: 'up' });
      expect(body.details.storage).toMatchObject({ driver: 's3' });
    });

    it.each(['database', 'redis', 'storage'] as const)(
      'is 503 naming %s when its port is closed, and recovers when it is back',
      async (name) => {
        await relays[name].block();
        try {
          const body = await unhealthy(http, name);
          const expected = { database: 'up', redis: 'up', storage: 'up', [name]: 'down' };
          expect(statuses(body)).toEqual(expected);
        } finally {
          await relays[name].unblock();
        }
        await eventuallyHealthy(http);
      },
    );
  });
});
