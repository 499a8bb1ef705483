// PostgreSQL or Redis that stop answering without refusing: connections stay open, nothing comes back
// (a hung server, a network dropping packets). The API process reaches both through TCP relays that
// can black-hole them; every request path must answer within a bound (503 naming the dependency it
// needs, or its usual answer when it does not need it), nothing may be left half-created, and once
// the relay forwards again a worker (behind the same relays) finishes every import.
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import request from 'supertest';
import { IMPORT_QUEUE } from '../src/import/queue/import-queue.constants';
import { openEvents } from './support/events';
import { FINAL, seedCatalog, upload, waitForEnd } from './support/imports';
import { TcpRelay } from './support/tcp-relay';
import { createTestApp, PG_SERVER_URL, REDIS_URL, TestApp } from './support/test-app';
import { WorkerProcess } from './support/worker-process';

/** "Not hung": the timeouts are 4-5 s; the rest is slack for a loaded machine, not a speed target. */
const BOUND_MS = 10_000;
const CSV = 'clientCode,serviceCode\nC1,S1\nC2,S1\nNOPE,S1\n';

type Dependency = 'database' | 'redis';

describe('dependencies that stop answering (e2e)', () => {
  const relays: Record<Dependency, TcpRelay> = {
    database: new TcpRelay(new URL(PG_SERVER_URL)),
    redis: new TcpRelay(new URL(REDIS_URL)),
  };
  let t: TestApp;
  let queue: Queue;
  let worker: WorkerProcess | undefined;
  /** Milliseconds each request took while its dependency was black-holed, for the README. */
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    await relays.database.open();
    await relays.redis.open();
    t = await createTestApp({
      APP_ROLE: 'api', // no worker yet: the jobs made before the outages stay Queued
      DATABASE_URL: `${relays.database.via(PG_SERVER_URL)}/si_test_blackhole_${process.pid}_${Date.now()}`,
      REDIS_URL: relays.redis.via(REDIS_URL),
    });
    queue = t.app.get<Queue>(getQueueToken(IMPORT_QUEUE));
    await seedCatalog(t.dataSource, ['C1', 'C2'], [['S1', '1.00']]);
  });

  afterAll(async () => {
    for (const relay of Object.values(relays)) await relay.unblock();
    await worker?.stop();
    await t?.close();
    for (const relay of Object.values(relays)) await relay.block();
    console.log(`Black-holed request times (ms): ${JSON.stringify(measured)}`);
  });

  /** Runs one request while `dependency` is black-holed; it must end within BOUND_MS. */
  async function timed<T>(dependency: Dependency, name: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await run();
    const ms = Date.now() - started;
    measured[`${dependency} ${name}`] = ms;
    expect({ name, ms, bounded: ms < BOUND_MS }).toMatchObject({ name, bounded: true });
    return result;
  }

  function expectUnavailable(res: request.Response, dependency: Dependency): void {
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable' },
    });
    const said = `${res.body.message} ${JSON.stringify(res.body.details ?? {})}`;
    expect(said).toMatch(dependency === 'database' ? /database/i : /redis/i);
  }

  async function queued(): Promise<string> {
    const res = await upload(t.app, CSV).expect(202);
    return res.body.code as string;
  }

  async function eventuallyHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(t.app.getHttpServer()).get('/health');
      if (res.status === 200) return;
      if (Date.now() > deadline) throw new Error(`/health still ${res.status}: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function jobRows(): Promise<{ id: string; code: string; status: string }[]> {
    return t.dataSource.query(`SELECT id, code, status FROM service_import_jobs ORDER BY created_at`);
  }

  function storedFiles(): string[] {
    return readdirSync(t.config.storage.localDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  }

  it('Redis black-holed: what needs the queue answers 503 naming Redis, the rest answers as usual', async () => {
    const toCancel = await queued();
    const toRead = await queued();
    const http = t.app.getHttpServer();
    const rowsBefore = await jobRows();
    relays.redis.blackHole();
    try {
      await Promise.all([
        timed('redis', 'POST upload', async () => expectUnavailable(await upload(t.app, CSV), 'redis')),
        timed('redis', 'admin queues API', async () =>
          expectUnavailable(await request(http).get('/admin/queues/api/queues'), 'redis'),
        ),
        timed('redis', 'health', async () => expectUnavailable(await request(http).get('/health'), 'redis')),
        // The cancel is decided in PostgreSQL; removing the Bull job is best effort (the worker skips it).
        timed('redis', 'cancel Queued', async () => {
          const res = await request(http).post(`/api/service-imports/${toCancel}/cancel`);
          expect({ status: res.status, job: res.body.status }).toEqual({ status: 200, job: 'Cancelled' });
        }),
        timed('redis', 'GET code', () => request(http).get(`/api/service-imports/${toRead}`).expect(200)),
        timed('redis', 'list', () => request(http).get('/api/service-imports').expect(200)),
        timed('redis', 'rows', () => request(http).get(`/api/service-imports/${toRead}/rows`).expect(200)),
        timed('redis', 'metrics', () => request(http).get('/metrics').expect(200)),
        // Live updates need Redis; without it the stream still starts and falls back to its periodic check.
        timed('redis', 'events start', async () => {
          const stream = await openEvents(t.baseUrl, toRead, {}, BOUND_MS);
          expect(stream.status).toBe(200);
          while (stream.events.length === 0) await new Promise((r) => setTimeout(r, 20));
          expect(stream.events[0]).toMatchObject({ event: 'progress', job: { code: toRead } });
          stream.abort();
          await stream.done.catch(() => undefined);
        }),
      ]);
    } finally {
      relays.redis.forward();
    }
    await eventuallyHealthy();
    // The refused upload left no job behind.
    expect((await jobRows()).map((row) => row.code)).toEqual(rowsBefore.map((row) => row.code));
  });

  it('PostgreSQL black-holed: every request that reads or writes an import answers 503 naming the database', async () => {
    const code = await queued();
    const http = t.app.getHttpServer();
    const rowsBefore = await jobRows();
    const filesBefore = storedFiles();
    relays.database.blackHole();
    try {
      await Promise.all([
        timed('database', 'POST upload', async () => expectUnavailable(await upload(t.app, CSV), 'database')),
        timed('database', 'POST upload with Idempotency-Key', async () =>
          expectUnavailable(await upload(t.app, CSV).set('Idempotency-Key', 'blackhole-1'), 'database'),
        ),
        timed('database', 'GET code', async () =>
          expectUnavailable(await request(http).get(`/api/service-imports/${code}`), 'database'),
        ),
        timed('database', 'list', async () =>
          expectUnavailable(await request(http).get('/api/service-imports?status=Queued'), 'database'),
        ),
        timed('database', 'cancel', async () =>
          expectUnavailable(await request(http).post(`/api/service-imports/${code}/cancel`), 'database'),
        ),
        timed('database', 'rows', async () =>
          expectUnavailable(await request(http).get(`/api/service-imports/${code}/rows`), 'database'),
        ),
        timed('database', 'events start', async () =>
          expectUnavailable(await request(http).get(`/api/service-imports/${code}/events`), 'database'),
        ),
        timed('database', 'clients list', async () =>
          expectUnavailable(await request(http).get('/api/clients'), 'database'),
        ),
        timed('database', 'health', async () =>
          expectUnavailable(await request(http).get('/health'), 'database'),
        ),
        timed('database', 'admin queues API', () =>
          request(http).get('/admin/queues/api/queues').expect(200),
        ),
      ]);
    } finally {
      relays.database.forward();
    }
    await eventuallyHealthy();
    // Nothing half-made: no new job row, no stored upload without its job, the cancel did not happen.
    const rowsAfter = await jobRows();
    expect(rowsAfter).toEqual(rowsBefore);
    expect(storedFiles().sort()).toEqual(filesBefore.sort());
    // The pool is healthy again: every one of its connections answers (none left mid-transaction).
    const answers = await Promise.all(
      Array.from({ length: t.config.databasePoolSize }, () =>
        t.dataSource.query(`SELECT now() = statement_timestamp() AS outside_transaction`),
      ),
    );
    expect(answers.map(([row]) => row.outside_transaction)).toEqual(
      Array(t.config.databasePoolSize).fill(true),
    );
    // And PostgreSQL holds no session of ours inside a transaction (a timed-out BEGIN must not linger).
    const admin = new Client({ connectionString: `${PG_SERVER_URL}/postgres` });
    await admin.connect();
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`,
          [new URL(t.databaseUrl).pathname.slice(1)],
        );
        if (rows[0].n === 0) break;
        if (Date.now() > deadline) throw new Error(`${rows[0].n} sessions left idle in a transaction`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await admin.end();
    }
  });

  it('once both answer again, a worker behind the same relays finishes every import, and queue and table agree', async () => {
    worker = await WorkerProcess.start(t.config);
    const fresh = await queued();
    const rows = await jobRows();
    for (const row of rows) await waitForEnd(t.app, row.code, 60_000);
    const ended = await waitForEnd(t.app, fresh, 60_000);
    expect(ended).toMatchObject({ status: 'Completed', totalItems: 3, processedItems: 3 });
    const after = await jobRows();
    expect(after.every((row) => FINAL.includes(row.status))).toBe(true);
    expect(after.filter((row) => row.status === 'Cancelled')).toHaveLength(1);
    // Vice versa: no Bull job is left waiting for an import that does not exist or has ended.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const live = await queue.getJobs(['waiting', 'active', 'delayed', 'paused']);
      if (live.filter(Boolean).length === 0) break;
      if (Date.now() > deadline)
        throw new Error(`Bull jobs still live: ${live.map((j) => j?.id).join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });
});
