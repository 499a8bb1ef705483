import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import request from 'supertest';
import { parseMetrics, samplesOf, valueOf } from './support/prometheus';
import { seedCatalog, upload, uploadAndWait, waitForEnd } from './support/imports';
import { createTestApp, freePort, TestApp } from './support/test-app';
import { WorkerProcess } from './support/worker-process';

// Seven rows, every outcome: with IMPORT_BATCH_SIZE=2 they commit in four batches.
const MIXED = [
  'clientCode,serviceCode,quantity',
  'C1,S1,1', // Created
  'C1,S2,2', // Created
  'C1,S1,1', // Skipped ALREADY_ASSIGNED (the first row made it)
  'NOPE,S1,1', // Skipped CLIENT_NOT_FOUND
  'C1,NOPE,1', // Skipped SERVICE_NOT_FOUND
  'C1,S2,abc', // Error INVALID_QUANTITY
  ',S1,1', // Error MISSING_CLIENT_CODE
  '',
].join('\n');

const KEY = 'ops-secret-0123456789';
const TENANT_KEY = 'tenant-secret-0123456789';

async function scrape(t: TestApp) {
  const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.text);
}

describe('Operations: queue dashboard (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serves the bull-board page at /admin/queues, with a CSP a page can live with', async () => {
    const res = await request(t.app.getHttpServer()).get('/admin/queues').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root">');
    expect(res.text).toContain('<base href="/admin/queues/"');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("default-src 'none'");
  });

  it('lists the import queue through its API, read-only', async () => {
    const res = await request(t.app.getHttpServer()).get('/admin/queues/api/queues').expect(200);
    const queues = res.body.queues as { name: string; readOnlyMode: boolean }[];
    expect(queues.map((q) => q.name)).toEqual(['service-imports']);
    expect(queues[0].readOnlyMode).toBe(true);
  });
});

describe('Operations: with API keys (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      APP_ROLE: 'api',
      API_KEYS: `ops:${KEY},tenant:${TENANT_KEY}`,
      ADMIN_API_KEYS: 'ops',
    });
  });
  afterAll(() => t.close());

  it('answers 401 without a valid key, on the page and on its API, and asks browsers for Basic', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await request(t.app.getHttpServer()).get(path).expect(401);
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      expect(String(res.headers['www-authenticate'])).toMatch(/^Basic realm="[^"]+"/);
      await request(t.app.getHttpServer()).get(path).set('X-API-Key', `${KEY}x`).expect(401);
      await request(t.app.getHttpServer()).get(path).auth('ops', 'wrong-secret-0123456789').expect(401);
    }
  });

  it('lets operator keys in: X-API-Key, Bearer, or Basic with the secret as password', async () => {
    const server = t.app.getHttpServer();
    await request(server).get('/admin/queues').set('X-API-Key', KEY).expect(200);
    await request(server).get('/admin/queues/api/queues').set('Authorization', `Bearer ${KEY}`).expect(200);
    await request(server).get('/admin/queues/api/queues').auth('anyone', KEY).expect(200);
  });

  it('answers 403 to every other key, however it is sent, on the page, its API and its assets', async () => {
    const server = t.app.getHttpServer();
    // The key itself works on the API; the dashboard shows every key's jobs, so it is for operators only.
    await request(server).get('/api/service-imports').set('X-API-Key', TENANT_KEY).expect(200);
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/nothing.js']) {
      for (const send of [
        (r: request.Test) => r.set('X-API-Key', TENANT_KEY),
        (r: request.Test) => r.set('Authorization', `Bearer ${TENANT_KEY}`),
        (r: request.Test) => r.auth('ops', TENANT_KEY),
      ]) {
        const res = await send(request(server).get(path)).expect(403);
        expect(res.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: expect.stringMatching(/operator/),
        });
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    }
  });

  it('keeps /metrics public, like /health (scrapers hold no API key)', async () => {
    await request(t.app.getHttpServer()).get('/metrics').expect(200);
  });
});

describe('Operations: the dashboard shows no stack traces (e2e)', () => {
  let t: TestApp;
  let queue: Queue;
  beforeAll(async () => {
    t = await createTestApp({ API_KEYS: `ops:${KEY}`, ADMIN_API_KEYS: 'ops', IMPORT_ATTEMPTS: '1' });
    queue = t.app.get<Queue>(getQueueToken('service-imports'));
  });
  afterAll(() => t.close());

  async function failedJobs(): Promise<Record<string, unknown>[]> {
    const res = await request(t.app.getHttpServer())
      .get('/admin/queues/api/queues?activeQueue=service-imports&status=failed&page=1')
      .set('X-API-Key', KEY)
      .expect(200);
    expect(res.text).not.toContain(process.cwd());
    expect(res.text).not.toMatch(/\bat [^ ]+ \(|node_modules/);
    return (res.body.queues[0].jobs ?? []) as Record<string, unknown>[];
  }

  it('an attempt the worker failed keeps its reason but no stack, in Redis and on the dashboard', async () => {
    // A delivery the processor cannot run (not an import id): PostgreSQL refuses it, the attempt fails.
    const job = await queue.add('process-import', { importId: 'not-a-uuid' }, { attempts: 1 });
    const deadline = Date.now() + 30_000;
    while ((await job.getState()) !== 'failed') {
      if (Date.now() > deadline) throw new Error(`job still ${await job.getState()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const stored = await queue.getJob(job.id);
    expect(stored?.failedReason).toMatch(/uuid/);
    expect(stored?.stacktrace.filter(Boolean)).toEqual([]);
    const shown = (await failedJobs()).find((j) => j.id === String(job.id));
    expect(shown).toMatchObject({ failedReason: expect.stringMatching(/uuid/), stacktrace: [] });
  });

  it('a stack Bull itself stored (a job no processor handles) is not shown', async () => {
    const job = await queue.add('no-such-processor', { importId: 'x' }, { attempts: 1 });
    const deadline = Date.now() + 30_000;
    while ((await job.getState()) !== 'failed') {
      if (Date.now() > deadline) throw new Error(`job still ${await job.getState()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await queue.getJob(job.id))?.stacktrace.join('\n')).toContain('node_modules');
    const shown = (await failedJobs()).find((j) => j.id === String(job.id));
    expect(shown).toMatchObject({ failedReason: expect.stringMatching(/no-such-processor/), stacktrace: [] });
  });
});

describe('Operations: Prometheus metrics (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BATCH_SIZE: '2', IMPORT_MAX_ROWS: '10' });
    await seedCatalog(
      t.dataSource,
      ['C1'],
      [
        ['S1', '10.00'],
        ['S2', '20.00'],
      ],
    );
  });
  afterAll(() => t.close());

  it('counts imports by final status, rows by outcome and reason, batches, queue depth and HTTP requests', async () => {
    const completed = await uploadAndWait(t.app, MIXED, 'mixed.csv');
    expect(completed).toMatchObject({ status: 'Completed', createdCount: 2, skippedCount: 3, errorCount: 2 });
    const tooLong = ['clientCode,serviceCode', ...Array.from({ length: 12 }, () => 'C1,S1'), ''].join('\n');
    const res = await upload(t.app, tooLong, 'too-long.csv').expect(202);
    expect((await waitForEnd(t.app, res.body.code)).status).toBe('Failed');

    const m = await scrape(t);
    expect(valueOf(m, 'service_import_imports_total', { status: 'Completed' })).toBe(1);
    expect(valueOf(m, 'service_import_imports_total', { status: 'Failed' })).toBe(1);
    expect(valueOf(m, 'service_import_imports_total', { status: 'Cancelled' })).toBeUndefined();

    const rows = (outcome: string, reason: string) =>
      valueOf(m, 'service_import_rows_total', { outcome, reason, dry_run: 'false', mode: 'create' });
    expect(rows('Created', '')).toBe(2);
    expect(rows('Skipped', 'ALREADY_ASSIGNED')).toBe(1);
    expect(rows('Skipped', 'CLIENT_NOT_FOUND')).toBe(1);
    expect(rows('Skipped', 'SERVICE_NOT_FOUND')).toBe(1);
    expect(rows('Error', 'INVALID_QUANTITY')).toBe(1);
    expect(rows('Error', 'MISSING_CLIENT_CODE')).toBe(1);
    const allRows = samplesOf(m, 'service_import_rows_total').reduce((sum, s) => sum + s.value, 0);
    expect(allRows).toBe(7); // the Failed import committed nothing

    expect(valueOf(m, 'service_import_batch_duration_seconds_count', { dry_run: 'false' })).toBe(4);
    expect(valueOf(m, 'service_import_batch_duration_seconds_sum', { dry_run: 'false' })).toBeGreaterThan(0);
    expect(valueOf(m, 'service_import_batch_duration_seconds_bucket', { dry_run: 'false', le: '+Inf' })).toBe(
      4,
    );

    for (const state of ['waiting', 'active', 'delayed', 'paused', 'failed', 'completed']) {
      const depth = valueOf(m, 'service_import_queue_jobs', { queue: 'service-imports', state });
      expect({ state, depth }).toEqual({ state, depth: expect.any(Number) });
    }
    expect(valueOf(m, 'service_import_queue_jobs', { queue: 'service-imports', state: 'waiting' })).toBe(0);

    const http = (labels: Record<string, string>) =>
      valueOf(m, 'http_request_duration_seconds_count', labels) ?? 0;
    expect(http({ method: 'POST', route: '/api/service-imports', status_code: '202' })).toBe(2);
    expect(http({ method: 'GET', route: '/api/service-imports/:code', status_code: '200' })).toBeGreaterThan(
      0,
    );
    // Route templates, never raw URLs: no series names a job code.
    const routes = samplesOf(m, 'http_request_duration_seconds_count').map((s) => s.labels.route);
    expect(routes.filter((r) => r.includes(completed.code))).toEqual([]);
  });

  it('shows the queue depth as Bull sees it', async () => {
    const queue = t.app.get<Queue>(getQueueToken('service-imports'));
    await queue.pause(true); // this process stops taking jobs; they wait
    try {
      const res = await upload(t.app, MIXED, 'waiting.csv').expect(202);
      const m = await scrape(t);
      expect(valueOf(m, 'service_import_queue_jobs', { queue: 'service-imports', state: 'waiting' })).toBe(1);
      await request(t.app.getHttpServer()).post(`/api/service-imports/${res.body.code}/cancel`).expect(200);
      const after = await scrape(t);
      expect(valueOf(after, 'service_import_imports_total', { status: 'Cancelled' })).toBe(1);
    } finally {
      await queue.resume(true);
    }
  });
});

describe('Operations: structured logs and worker metrics (e2e)', () => {
  let t: TestApp;
  let worker: WorkerProcess;
  let metricsPort: number;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    await seedCatalog(
      t.dataSource,
      ['C1'],
      [
        ['S1', '10.00'],
        ['S2', '20.00'],
      ],
    );
    metricsPort = await freePort();
    worker = await WorkerProcess.start(t.config, { METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('writes one JSON object a line, with the import code as a field on every line about the job', async () => {
    const job = await uploadAndWait(t.app, MIXED, 'logged.csv');
    expect(job.status).toBe('Completed');
    const [{ id }] = await t.dataSource.query(`SELECT id FROM service_import_jobs WHERE code = $1`, [
      job.code,
    ]);
    await worker.waitForOutput(/Completed in/, 10_000);

    const lines = worker.log.split('\n').filter((line) => line.trim() !== '');
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    for (const entry of entries) {
      expect(entry).toMatchObject({
        level: expect.any(Number),
        time: expect.any(Number),
        msg: expect.any(String),
      });
    }
    const aboutJob = entries.filter((e, i) => lines[i].includes(job.code) || lines[i].includes(id));
    expect(aboutJob.map((e) => e.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Run 1 starts at row 1/),
        expect.stringMatching(/^Completed in/),
      ]),
    );
    for (const entry of aboutJob)
      expect({ msg: entry.msg, importCode: entry.importCode }).toEqual({
        msg: entry.msg,
        importCode: job.code,
      });
    expect(entries.find((e) => e.msg === 'Processing imports with concurrency 1')).toMatchObject({
      level: 30,
      context: 'ImportWorker',
    });
  });

  it('serves the import page from the API process (APP_ROLE=api), never from the worker', async () => {
    const page = await request(t.app.getHttpServer()).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="/page/js/main.js"></script>');
    await request(t.app.getHttpServer())
      .get('/page/js/main.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/page/js/main.js`)).status).toBe(404);
  });

  it('serves the worker metrics on METRICS_PORT (a worker has no other HTTP server)', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const m = parseMetrics(await res.text());
    expect(valueOf(m, 'service_import_imports_total', { status: 'Completed' })).toBe(1);
    expect(
      valueOf(m, 'service_import_rows_total', {
        outcome: 'Created',
        reason: '',
        dry_run: 'false',
        mode: 'create',
      }),
    ).toBe(2);
    expect(valueOf(m, 'service_import_batch_duration_seconds_count', { dry_run: 'false' })).toBeGreaterThan(
      0,
    );
    expect(samplesOf(m, 'process_cpu_seconds_total')).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });
});
