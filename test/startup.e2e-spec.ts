// Start-up as a newcomer meets it: `node main.js` with a dependency that is not running, or a bad
// setting. Every line is one JSON object from the first one; a missing dependency is one clear line
// naming its variable (password redacted), its address and the README section that says how to start it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { ServiceProcess } from './support/service-process';
import { TcpRelay } from './support/tcp-relay';
import { deleteQueueKeys, dropDatabase, freePort, PG_SERVER_URL, REDIS_URL } from './support/test-app';

jest.setTimeout(180_000);

const FATAL = 60;
const ERROR = 50;
const WARN = 40;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'si-startup-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baseEnv(port: number, overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'development',
    PORT: String(port),
    STORAGE_LOCAL_DIR: join(dir, 'storage'),
    QUEUE_PREFIX: `si-startup-${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
}

describe('PostgreSQL not reachable at start-up', () => {
  // Passwords of several shapes, as they are written in a URL (percent-encoded) and as they are.
  it.each([
    ['s3cr3t-pw', 's3cr3t-pw'],
    ['p%40ss%2Fw%3Ard', 'p@ss/w:rd'],
  ])(
    'exits 1 after its retries with one error line naming DATABASE_URL, password %s redacted',
    async (encoded, plain) => {
      const closed = await freePort();
      const url = `postgres://postgres:${encoded}@127.0.0.1:${closed}/service_import`;
      const service = new ServiceProcess(
        baseEnv(await freePort(), { DATABASE_URL: url, DATABASE_CONNECT_RETRIES: '2', REDIS_URL }),
        dir,
      );
      try {
        // 2 retries wait 0.5 s + 1 s; the bound leaves a slow machine plenty of room.
        const code = await service.exitWithin(60_000);
        expect({ code, output: service.text }).toMatchObject({ code: 1 });
        expect(service.notJson()).toEqual([]);
        const records = service.records();
        const errors = records.filter((r) => r.level >= ERROR);
        expect(errors).toHaveLength(1);
        expect(errors[0].msg).toContain(
          `PostgreSQL is not reachable at 127.0.0.1:${closed} (DATABASE_URL=postgres://postgres:***@127.0.0.1:${closed}/service_import): connect ECONNREFUSED`,
        );
        expect(errors[0].msg).toContain('README: Quick start');
        expect(errors[0]).toMatchObject({ variable: 'DATABASE_URL', address: `127.0.0.1:${closed}` });
        // One warning per try before the last.
        expect(records.filter((r) => r.level === WARN && r.variable === 'DATABASE_URL')).toHaveLength(2);
        expect(service.text).not.toContain(encoded);
        expect(service.text).not.toContain(plain);
      } finally {
        await service.stop();
      }
    },
  );
});

describe('a bad setting', () => {
  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://127.0.0.1/x'],
    ['DATABASE_CONNECT_RETRIES', '-1'],
  ])('%s=%s is one JSON fatal line naming it, and exit 1', async (name, value) => {
    const service = new ServiceProcess(baseEnv(await freePort(), { REDIS_URL, [name]: value }), dir);
    try {
      expect(await service.exitWithin(60_000)).toBe(1);
      expect(service.notJson()).toEqual([]);
      const fatal = service.records().filter((r) => r.level === FATAL);
      expect(fatal).toHaveLength(1);
      expect(fatal[0].msg).toContain(`${name} must`);
    } finally {
      await service.stop();
    }
  });
});

describe('a start-up that fails later', () => {
  it('PORT already taken is one JSON fatal line naming the address, and exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as AddressInfo).port;
    const database = `si_startup_${randomBytes(4).toString('hex')}`;
    const env = baseEnv(port, { DATABASE_URL: `${PG_SERVER_URL}/${database}`, REDIS_URL });
    const service = new ServiceProcess(env, dir);
    try {
      expect({ code: await service.exitWithin(90_000), output: service.text }).toMatchObject({ code: 1 });
      expect(service.notJson()).toEqual([]);
      const fatal = service.records().filter((r) => r.level === FATAL);
      expect(fatal).toHaveLength(1);
      expect(fatal[0].msg).toContain('EADDRINUSE');
    } finally {
      await service.stop();
      await new Promise((resolve) => taken.close(resolve));
      await dropDatabase(`${PG_SERVER_URL}/${database}`);
      await deleteQueueKeys(env.QUEUE_PREFIX);
    }
  });
});

describe('Redis not reachable at start-up', () => {
  it('keeps running with a few warnings, 503 on /health and uploads, and recovers when Redis comes', async () => {
    const port = await freePort();
    const redisPort = await freePort(); // nothing listens there yet
    const database = `si_startup_${randomBytes(4).toString('hex')}`;
    const env = baseEnv(port, {
      DATABASE_URL: `${PG_SERVER_URL}/${database}`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    const service = new ServiceProcess(env, dir);
    const relay = new TcpRelay(new URL(REDIS_URL));
    const base = `http://127.0.0.1:${port}`;
    try {
      const health = await poll(async () => {
        const res = await fetch(`${base}/health`).catch(() => null);
        return res && res.status !== 0 ? res : null;
      }, service);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { details: Record<string, { status: string }> };
      expect(body.details.redis.status).toBe('down');

      const form = new FormData();
      form.append('file', new Blob(['client_code,service_code\nC1,S1\n']), 'services.csv');
      const uploaded = await fetch(`${base}/api/service-imports`, { method: 'POST', body: form });
      expect(uploaded.status).toBe(503);
      expect(await uploaded.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });

      // Long enough for every backoff step (0.25, 0.5, 1 and 2 s) and several attempts at 2 s.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect(service.text).not.toContain('Unhandled error event');
      expect(service.notJson()).toEqual([]);
      const redisWarnings = () =>
        service.records().filter((r) => r.level === WARN && r.variable === 'REDIS_URL');
      expect(redisWarnings().length).toBeGreaterThanOrEqual(1);
      expect(redisWarnings().length).toBeLessThanOrEqual(4);
      expect(redisWarnings()[0].msg).toContain(`REDIS_URL=redis://127.0.0.1:${redisPort}`);
      expect(redisWarnings()[0].msg).toContain('README: Quick start');

      relay.port = redisPort;
      await relay.open();
      await poll(async () => {
        const res = await fetch(`${base}/health`).catch(() => null);
        return res?.status === 200 ? res : null;
      }, service);
      await poll(
        async () => service.records().find((r) => r.msg?.startsWith('Redis is reachable again')),
        service,
      );

      expect(service.text).not.toContain('Unhandled error event');
      expect(service.notJson()).toEqual([]);
      expect(service.child.exitCode).toBeNull();
    } finally {
      await service.stop();
      await relay.block();
      await dropDatabase(`${PG_SERVER_URL}/${database}`);
      await deleteQueueKeys(env.QUEUE_PREFIX);
    }
  });
});

/** Polls `probe` every 250 ms until it gives a value, for at most 60 s; fails early if the process ends. */
async function poll<T>(probe: () => Promise<T | null | undefined>, service: ServiceProcess): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.text}`);
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out; output:\n${service.text}`);
}
