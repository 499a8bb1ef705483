// Idempotency-Key on POST /api/service-imports: the same key and file return the original job (202),
// even for ten requests at once; another file under the same key → 422; keys are per API key; a bad
// key → 400. Nothing is left in storage by a request that created no job. Also the API's headers.
import { INestApplication } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789abc';
const CSV = 'clientCode,serviceCode\nC1,S1\n';

function post(app: INestApplication, secret: string, key: string | null, content = CSV, query = '') {
  const req = request(app.getHttpServer())
    .post(`/api/service-imports${query}`)
    .set('X-API-Key', secret)
    .attach('file', Buffer.from(content), 'a.csv');
  return key === null ? req : req.set('Idempotency-Key', key);
}

/** Stored objects (uploads) in the local storage folder, skipping partial writes. */
function storedFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  const jobsWithKey = async (key: string): Promise<number> =>
    (
      await t.dataSource.query(
        'SELECT count(*)::int AS count FROM service_import_jobs WHERE idempotency_key = $1',
        [key],
      )
    )[0].count;

  beforeAll(async () => {
    // APP_ROLE=api: jobs stay Queued, so each request sees the same state of the job.
    t = await createTestApp({ API_KEYS: `alice:${ALICE},bob:${BOB}`, APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('returns the original job, with 202, for the same key and file', async () => {
    const before = storedFiles(t.config.storage.localDir).length;
    const first = await post(t.app, ALICE, 'order-1').expect(202);
    const again = await post(t.app, ALICE, 'order-1').expect(202);
    expect(again.body.code).toBe(first.body.code);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await jobsWithKey('order-1')).toBe(1);
    expect(storedFiles(t.config.storage.localDir)).toHaveLength(before + 1); // the repeat's copy is gone
  });

  it('creates one job for ten parallel requests with one key; all ten answer with its code', async () => {
    const before = storedFiles(t.config.storage.localDir).length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(t.app, ALICE, 'parallel-1')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const codes = new Set(answers.map((a) => a.body.code as string));
    expect(codes.size).toBe(1);
    expect(await jobsWithKey('parallel-1')).toBe(1);
    const [row] = await t.dataSource.query(
      `SELECT code, owner FROM service_import_jobs WHERE idempotency_key = 'parallel-1'`,
    );
    expect(row).toEqual({ code: [...codes][0], owner: 'alice' });
    expect(storedFiles(t.config.storage.localDir)).toHaveLength(before + 1);
  });

  it('answers 422 for the same key with another file or another dryRun, and keeps nothing', async () => {
    const first = await post(t.app, ALICE, 'order-2').expect(202);
    const before = storedFiles(t.config.storage.localDir).length;
    const other = await post(t.app, ALICE, 'order-2', 'clientCode,serviceCode\nC2,S2\n').expect(422);
    expect(other.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message:
        `The Idempotency-Key "order-2" was already used for import ${first.body.code} with a different file, ` +
        'dryRun or mode value. Use a new key for a new upload.',
    });
    await post(t.app, ALICE, 'order-2', CSV, '?dryRun=true').expect(422);
    expect(await jobsWithKey('order-2')).toBe(1);
    expect(storedFiles(t.config.storage.localDir)).toHaveLength(before);
  });

  it('scopes keys to the API key: two principals with one Idempotency-Key get two jobs', async () => {
    const alice = await post(t.app, ALICE, 'shared-key').expect(202);
    const bob = await post(t.app, BOB, 'shared-key').expect(202);
    expect(bob.body.code).not.toBe(alice.body.code);
    expect(await jobsWithKey('shared-key')).toBe(2);
    // Each one replays its own.
    expect((await post(t.app, BOB, 'shared-key').expect(202)).body.code).toBe(bob.body.code);
  });

  it('creates a new job for every request without a key', async () => {
    const a = await post(t.app, ALICE, null).expect(202);
    const b = await post(t.app, ALICE, null).expect(202);
    expect(a.body.code).not.toBe(b.body.code);
  });

  it('answers 400 for an over-long or non-ASCII key, and keeps nothing', async () => {
    const before = storedFiles(t.config.storage.localDir).length;
    const [{ count: jobsBefore }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM service_import_jobs',
    );
    const long = await post(t.app, ALICE, 'k'.repeat(256)).expect(400);
    expect(long.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
    });
    await post(t.app, ALICE, 'k'.repeat(255)).expect(202);
    const [{ count: jobsAfter }] = await t.dataSource.query(
      'SELECT count(*)::int AS count FROM service_import_jobs',
    );
    expect(jobsAfter).toBe(jobsBefore + 1);
    expect(storedFiles(t.config.storage.localDir)).toHaveLength(before + 1);
  });

  it('marks API answers no-store and carries the security headers', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/service-imports')
      .set('X-API-Key', ALICE)
      .expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    const created = await post(t.app, ALICE, null).expect(202);
    expect(created.headers['cache-control']).toBe('no-store');
  });
});
