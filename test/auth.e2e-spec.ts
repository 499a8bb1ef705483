// API keys (API_KEYS): 401 without a valid key, public health/docs/signed links, imports owned by the
// key that created them, the upload rate limit and the active-import cap (429 with Retry-After), and
// how Swagger declares the schemes.
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { FINAL, JobBody, seedCatalog } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789abc';
const API_KEYS = `alice:${ALICE},bob:${BOB}`;
const CSV = 'clientCode,serviceCode\nC1,S1\nNOBODY,S1\n';

function uploadAs(app: INestApplication, secret: string, content = CSV) {
  return request(app.getHttpServer())
    .post('/api/service-imports')
    .set('X-API-Key', secret)
    .attach('file', Buffer.from(content), 'a.csv');
}

function getAs(app: INestApplication, secret: string, path: string) {
  return request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${secret}`);
}

async function waitForEndAs(app: INestApplication, secret: string, code: string): Promise<JobBody> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = (await getAs(app, secret, `/api/service-imports/${code}`).expect(200)).body as JobBody;
    if (FINAL.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Import ${code} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const UNAUTHORIZED = { statusCode: 401, error: 'Unauthorized', message: 'A valid API key is required' };

describe('authentication and ownership (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_KEYS });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '10.00']]);
  });
  afterAll(() => t.close());

  it.each([
    ['no key', {}],
    ['a wrong Bearer key', { Authorization: 'Bearer not-a-valid-secret-at-all' }],
    ['a wrong X-API-Key', { 'X-API-Key': 'not-a-valid-secret-at-all' }],
    [
      'a key of another scheme',
      { Authorization: `Basic ${Buffer.from(`alice:${ALICE}`).toString('base64')}` },
    ],
    ['a prefix of a valid key', { 'X-API-Key': ALICE.slice(0, -1) }],
  ])('answers 401 with %s, telling nothing more', async (_case, headers) => {
    for (const path of ['/api/service-imports', '/api/clients', '/api/service-imports/template']) {
      const res = await request(t.app.getHttpServer()).get(path).set(headers).expect(401);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const upload = await request(t.app.getHttpServer())
      .post('/api/service-imports')
      .set(headers)
      .attach('file', Buffer.from(CSV), 'a.csv')
      .expect(401);
    expect(upload.body).toEqual(UNAUTHORIZED);
  });

  it('accepts each key, as Bearer or as X-API-Key', async () => {
    for (const secret of [ALICE, BOB]) {
      await getAs(t.app, secret, '/api/service-imports').expect(200);
      await request(t.app.getHttpServer()).get('/api/service-imports').set('X-API-Key', secret).expect(200);
      await request(t.app.getHttpServer()).get('/api/clients').set('X-API-Key', secret).expect(200);
    }
  });

  it('keeps /health, /docs and /docs-json public', async () => {
    await request(t.app.getHttpServer()).get('/health').expect(200);
    await request(t.app.getHttpServer()).get('/docs-json').expect(200);
    const docs = await request(t.app.getHttpServer()).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it("hides one key's import from another: 404 for its code, cancel and report, absent from its list", async () => {
    const created = await uploadAs(t.app, ALICE).expect(202);
    const code = created.body.code as string;
    const job = await waitForEndAs(t.app, ALICE, code);
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1, skippedCount: 1 });

    const own = await getAs(t.app, ALICE, `/api/service-imports/${code}/not-imported`).expect(302);
    expect(own.headers.location).toMatch(/^http/);
    const aliceList = await getAs(t.app, ALICE, '/api/service-imports').expect(200);
    expect(aliceList.body.items.map((j: { code: string }) => j.code)).toContain(code);

    const notFound = { statusCode: 404, error: 'Not Found', message: `No import with code "${code}".` };
    expect((await getAs(t.app, BOB, `/api/service-imports/${code}`).expect(404)).body).toEqual(notFound);
    expect((await getAs(t.app, BOB, `/api/service-imports/${code}/not-imported`).expect(404)).body).toEqual(
      notFound,
    );
    const cancel = await request(t.app.getHttpServer())
      .post(`/api/service-imports/${code}/cancel`)
      .set('X-API-Key', BOB)
      .expect(404);
    expect(cancel.body).toEqual(notFound);
    const bobList = await getAs(t.app, BOB, '/api/service-imports').expect(200);
    expect(bobList.body).toMatchObject({ items: [], total: 0 });
    const bobCompleted = await getAs(t.app, BOB, '/api/service-imports?status=Completed').expect(200);
    expect(bobCompleted.body.total).toBe(0);

    const [row] = await t.dataSource.query('SELECT owner FROM service_import_jobs WHERE code = $1', [code]);
    expect(row.owner).toBe('alice');
  });

  it('serves signed download links without a key, private and not cached', async () => {
    const created = await uploadAs(t.app, BOB).expect(202);
    const job = await waitForEndAs(t.app, BOB, created.body.code);
    expect(job.notImportedDownloadUrl).toContain('/api/storage/downloads/');
    const res = await fetch(job.notImportedDownloadUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('NOBODY');
  });

  describe('the OpenAPI document', () => {
    let doc: any;
    beforeAll(async () => {
      doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
    });

    it('declares the Bearer and X-API-Key schemes', () => {
      expect(doc.components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      });
    });

    it('requires either scheme on every API operation, none on health and signed downloads', () => {
      const either = [{ bearer: [] }, { 'api-key': [] }];
      const operations: [string, string, any][] = [];
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        for (const [method, op] of Object.entries<any>(item)) operations.push([path, method, op]);
      }
      expect(operations.length).toBeGreaterThan(8);
      for (const [path, method, op] of operations) {
        const isPublic = path === '/health' || path.startsWith('/api/storage/downloads/');
        expect({ path, method, security: op.security }).toEqual({
          path,
          method,
          security: isPublic ? [] : either, // [] says "no key needed" (an absent list would say nothing)
        });
        expect(op['x-public']).toBeUndefined();
        if (!isPublic) expect(op.responses['401']).toBeDefined();
      }
      expect(doc.paths['/api/service-imports'].post.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
      );
    });

    it('serves Swagger UI whose scripts load under its Content-Security-Policy', async () => {
      const page = await request(t.app.getHttpServer()).get('/docs/').expect(200);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      const scripts = [...page.text.matchAll(/<script src=["']([^"']+)["']/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const src of scripts) {
        // Same-origin relative paths: allowed by script-src 'self'.
        expect(src).not.toMatch(/^(https?:)?\/\//);
        const res = await request(t.app.getHttpServer())
          .get(new URL(src, `${t.baseUrl}/docs/`).pathname)
          .expect(200);
        expect(res.headers['content-type']).toMatch(/javascript/);
      }
      expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script to allow
    });
  });
});

describe('upload rate limit per key (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      API_KEYS,
      APP_ROLE: 'api',
      UPLOAD_RATE_LIMIT: '2',
      UPLOAD_RATE_WINDOW_SECONDS: '60',
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, per key, and only on uploads', async () => {
    await uploadAs(t.app, ALICE).expect(202);
    await uploadAs(t.app, ALICE).expect(202);
    const limited = await uploadAs(t.app, ALICE).expect(429);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(
        /^Too many uploads: at most 2 every 60 seconds per API key\. Retry after \d+/,
      ),
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    await uploadAs(t.app, BOB).expect(202); // another key has its own count
    for (let i = 0; i < 5; i++) await getAs(t.app, ALICE, '/api/service-imports').expect(200);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM service_import_jobs`);
    expect(count).toBe(3);
  });
});

describe('active imports cap per key (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // APP_ROLE=api runs no worker, so imports stay Queued.
    t = await createTestApp({ API_KEYS, APP_ROLE: 'api', MAX_ACTIVE_IMPORTS_PER_KEY: '2' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After while a key has the maximum of Queued/InProgress imports', async () => {
    const first = await uploadAs(t.app, ALICE).expect(202);
    await uploadAs(t.app, ALICE).expect(202);
    const refused = await uploadAs(t.app, ALICE).expect(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('already has 2 imports queued or in progress (the limit is 2)'),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await uploadAs(t.app, BOB).expect(202); // per key

    await request(t.app.getHttpServer())
      .post(`/api/service-imports/${first.body.code}/cancel`)
      .set('X-API-Key', ALICE)
      .expect(200);
    await uploadAs(t.app, ALICE).expect(202);

    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM service_import_jobs WHERE owner = 'alice'`,
    );
    expect(count).toBe(3); // the refused upload left no job
  });
});

describe('production without API keys', () => {
  const production = { NODE_ENV: 'production', DOWNLOAD_SIGNING_SECRET: 's'.repeat(32) };

  it('refuses to start', () => {
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/API_KEYS \(or API_KEYS_FILE\) is required/);
  });

  it('starts with ALLOW_ANONYMOUS=true, or with keys', () => {
    expect(loadConfig({ ...production, ALLOW_ANONYMOUS: 'true' }).auth.apiKeys).toEqual([]);
    expect(loadConfig({ ...production, API_KEYS }).auth.apiKeys.map((k) => k.name)).toEqual(['alice', 'bob']);
  });
});
