// The change log as one CSV file: GET /api/service-imports/{code}/changes.csv redirects to a freshly
// signed link to the file the worker wrote when the import completed (a dry run's too), one line per
// changed field, UTF-8 with BOM, CRLF, formula-guarded; 404 before the end or without changes, 410
// after retention, 404 for another key's import.
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ReportWriter } from '../src/import/worker/engine/report-writer';
import { ImportSweeper } from '../src/import/worker/import.sweeper';
import {
  fetchReport,
  HEADER,
  JobBody,
  parseReport,
  seedCatalog,
  seedSmallCatalog,
  upload,
  uploadAndWait,
  waitForEnd,
} from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const NON_ASCII = 'Zürich – café 日本 😀';

// Upsert against EXISTING: the comments say what each row makes.
const FILE = [
  HEADER,
  'C1,S1,3,,,,"=HYPERLINK(""http://evil.example"",""click"")"', // 1 Updated: quantity, notes
  `C2,S1,,,2026-02-01,,${NON_ASCII}`, // 2 Created: quantity 1, the catalog price, startDate, notes
  'C2,S2,,12.5,,,#CLEAR', // 3 Updated: unitPrice, notes cleared
  'NOPE,S1,,,,,', // 4 CLIENT_NOT_FOUND: not in the log
  'c1,s2,2,,,,', // 5 Unchanged: not in the log
].join('\n');

const EXISTING = `
  INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, notes)
  SELECT c.id, s.id, v.q, v.p, v.sd::date, v.n
    FROM (VALUES ('C1', 'S1', 1, 10.00, '2026-01-01', 'old'),
                 ('C1', 'S2', 2, 20.00, NULL, NULL),
                 ('C2', 'S2', 1, 20.00, NULL, 'x')) AS v(c, s, q, p, sd, n)
    JOIN clients c ON c.code = v.c JOIN billable_services s ON s.code = v.s`;

const CSV_HEADER = 'rowNumber,action,assignmentId,clientCode,serviceCode,field,from,to';

/**
 * The change log file is written just after its import completes: until then the job says so (503
 * with Retry-After). Waits for it, as a client following Retry-After would.
 */
async function fileWritten(t: TestApp, code: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [row] = await t.dataSource.query(
      `SELECT changes_file_pending AS pending FROM service_import_jobs WHERE code = $1`,
      [code],
    );
    if (!row?.pending) return;
    if (Date.now() > deadline) throw new Error(`The change log file of ${code} is still pending`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Follows the redirect as a browser would: 302, then the signed link. */
async function download(t: TestApp, code: string) {
  await fileWritten(t, code);
  const res = await request(t.app.getHttpServer())
    .get(`/api/service-imports/${code}/changes.csv`)
    .expect(302);
  return fetchReport(res.headers.location);
}

describe('the change log as a CSV download (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const csvOf = (code: string) => `/api/service-imports/${code}/changes.csv`;

  beforeAll(async () => {
    t = await createTestApp();
    await seedSmallCatalog(t.dataSource);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    await t.dataSource.query(EXISTING);
  });

  const idOf = async (client: string, service: string): Promise<string> => {
    const [{ id }] = await t.dataSource.query(
      `SELECT a.id FROM client_billable_services a JOIN clients c ON c.id = a.client_id
         JOIN billable_services s ON s.id = a.billable_service_id WHERE c.code = $1 AND s.code = $2`,
      [client, service],
    );
    return id;
  };

  it('an upsert: one line per changed field, from and to, formula-guarded, UTF-8 with BOM and CRLF', async () => {
    const job = await uploadAndWait(t.app, FILE, 'prices.csv', '?mode=upsert');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1, updatedCount: 2, unchangedCount: 1 });
    const [c1s1, c2s1, c2s2] = [await idOf('C1', 'S1'), await idOf('C2', 'S1'), await idOf('C2', 'S2')];

    const file = await download(t, job.code);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.text).toBe(
      '\uFEFF' +
        [
          CSV_HEADER,
          `1,Updated,${c1s1},C1,S1,quantity,1,3`,
          `1,Updated,${c1s1},C1,S1,notes,old,"'=HYPERLINK(""http://evil.example"",""click"")"`,
          `2,Created,${c2s1},C2,S1,quantity,,1`,
          `2,Created,${c2s1},C2,S1,unitPrice,,10.00`,
          `2,Created,${c2s1},C2,S1,startDate,,2026-02-01`,
          `2,Created,${c2s1},C2,S1,notes,,${NON_ASCII}`,
          `3,Updated,${c2s2},C2,S2,unitPrice,20.00,12.50`,
          `3,Updated,${c2s2},C2,S2,notes,x,`,
        ]
          .map((line) => `${line}\r\n`)
          .join(''),
    );
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(file.headers.get('content-disposition')).toContain('prices-changes.csv');
  });

  it("a dry run's file is the real run's but for assignmentId (empty for what it would create)", async () => {
    const dry = await uploadAndWait(t.app, FILE, 'plan.csv', '?mode=upsert&dryRun=true');
    const dryFile = parseReport((await download(t, dry.code)).text);
    const real = await uploadAndWait(t.app, FILE, 'plan.csv', '?mode=upsert');
    const realFile = parseReport((await download(t, real.code)).text);

    expect(dryFile).toHaveLength(9); // the header and eight changed fields
    const created = dryFile.filter((line) => line[1] === 'Created');
    expect(created.map((line) => line[2])).toEqual(['', '', '', '']);
    expect(realFile.filter((line) => line[1] === 'Created').map((line) => line[2])).toEqual(
      Array(4).fill(await idOf('C2', 'S1')),
    );
    const withoutIds = (lines: string[][]) => lines.map((line) => [...line.slice(0, 2), ...line.slice(3)]);
    expect(withoutIds(dryFile)).toEqual(withoutIds(realFile));
  });

  it('redirect=false answers the link as JSON: the same file, and when the link stops working', async () => {
    const job = await uploadAndWait(t.app, FILE, 'link.csv', '?mode=upsert');
    await fileWritten(t, job.code);
    const before = Date.now();
    const res = await http()
      .get(`${csvOf(job.code)}?redirect=false`)
      .expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresDate', 'url']);
    const expires = Date.parse(res.body.expiresDate);
    expect(expires - before).toBeGreaterThanOrEqual(t.config.signedUrlTtlSeconds * 1000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(t.config.signedUrlTtlSeconds * 1000 + 5000);
    expect((await fetchReport(res.body.url)).text).toBe((await download(t, job.code)).text);
    await http()
      .get(`${csvOf(job.code)}?redirect=maybe`)
      .expect(400);
  });

  it('404 while the import has not ended, then the file once it completes', async () => {
    const queue = t.app.get<Queue>(getQueueToken('service-imports'));
    await queue.pause(true); // this process takes no job: the import stays Queued
    let code: string;
    try {
      code = (await upload(t.app, FILE, 'later.csv', '?mode=upsert').expect(202)).body.code;
      const early = await http().get(csvOf(code)).expect(404);
      expect(early.body.message).toBe(
        `Import ${code} is Queued; its change log file is written when it completes ` +
          `(GET /api/service-imports/${code}/changes lists the changes so far).`,
      );
    } finally {
      await queue.resume(true);
    }
    await waitForEnd(t.app, code);
    expect(parseReport((await download(t, code)).text)).toHaveLength(9);
  });

  it('404 for a completed import that changed nothing (real or dry), and for an unknown code', async () => {
    const none = 'clientCode,serviceCode\nNOPE,S1\nC1,S1\n'; // not found; already assigned
    const real = await uploadAndWait(t.app, none, 'none.csv');
    expect(real).toMatchObject({ status: 'Completed', createdCount: 0, skippedCount: 2 });
    const res = await http().get(csvOf(real.code)).expect(404);
    expect(res.body.message).toBe(
      `Import ${real.code} created or updated no assignment; it has no change log.`,
    );
    const dry = await uploadAndWait(t.app, none, 'none.csv', '?dryRun=true');
    expect((await http().get(csvOf(dry.code)).expect(404)).body.message).toContain(
      'would create or update no',
    );
    const [{ keys }] = await t.dataSource.query(
      `SELECT count(changes_report_key)::int AS keys FROM service_import_jobs WHERE code = ANY($1)`,
      [[real.code, dry.code]],
    );
    expect(keys).toBe(0);
    await http().get(csvOf('AAAAAAAAAAAAAAAAAAAAAA')).expect(404);
    await http().get(csvOf('not-a-code')).expect(404);
  });

  it('answers 503 with Retry-After while the file is being written, and a sweep writes what a dead worker left', async () => {
    const job: JobBody = await uploadAndWait(t.app, FILE, 'pending.csv', '?mode=upsert');
    await fileWritten(t, job.code);
    const first = (await download(t, job.code)).text;
    // As a worker that died between completing the import and writing its file leaves it.
    await t.dataSource.query(
      `UPDATE service_import_jobs SET changes_file_pending = true, changes_report_key = NULL WHERE code = $1`,
      [job.code],
    );
    const pending = await http().get(csvOf(job.code)).expect(503);
    expect(pending.headers['retry-after']).toBe('5');
    expect(pending.body.message).toContain('is being written');
    expect(pending.body.message).toContain(`/api/service-imports/${job.code}/changes pages it already`);

    const sweeper = t.app.get(ImportSweeper);
    await sweeper.sweep(); // within the grace period: a live worker may still be writing it
    await http().get(csvOf(job.code)).expect(503);
    sweeper.now = () => new Date(Date.now() + 120_000);
    try {
      await sweeper.sweep();
    } finally {
      sweeper.now = () => new Date();
    }
    expect((await download(t, job.code)).text).toBe(first);
  });

  it('410 once retention deleted the file, which is gone from storage', async () => {
    const job: JobBody = await uploadAndWait(t.app, FILE, 'old.csv', '?mode=upsert');
    await fileWritten(t, job.code);
    await http().get(csvOf(job.code)).expect(302);
    const [{ key }] = await t.dataSource.query(
      `SELECT changes_report_key AS key FROM service_import_jobs WHERE code = $1`,
      [job.code],
    );
    const path = join(t.config.storage.localDir, key);
    expect(existsSync(path)).toBe(true);

    const sweeper = t.app.get(ImportSweeper);
    sweeper.now = () => new Date(Date.now() + (t.config.import.retentionDays + 1) * 24 * 3600 * 1000);
    try {
      await sweeper.sweep();
    } finally {
      sweeper.now = () => new Date();
    }
    const gone = await http().get(csvOf(job.code)).expect(410);
    expect(gone.body.message).toBe(
      `The change log of import ${job.code} was deleted by the retention policy.`,
    );
    await http()
      .get(`${csvOf(job.code)}?redirect=false`)
      .expect(410);
    expect(existsSync(path)).toBe(false);
  });
});

describe('the change log download and API keys (e2e)', () => {
  const ALICE = 'alice-secret-0123456789';
  const BOB = 'bob-secret-0123456789abc';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_KEYS: `alice:${ALICE},bob:${BOB}` });
    await seedCatalog(t.dataSource, ['C1'], [['S1', '1.00']]);
  });
  afterAll(() => t.close());

  it("another key's import is 404, as if it did not exist; its owner gets the file", async () => {
    const as = (secret: string, path: string) =>
      request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${secret}`);
    const created = await request(t.app.getHttpServer())
      .post('/api/service-imports')
      .set('X-API-Key', ALICE)
      .attach('file', Buffer.from('clientCode,serviceCode\nC1,S1\n'), 'a.csv')
      .expect(202);
    const code = created.body.code as string;
    const deadline = Date.now() + 30_000;
    while ((await as(ALICE, `/api/service-imports/${code}`).expect(200)).body.status !== 'Completed') {
      if (Date.now() > deadline) throw new Error(`Import ${code} did not complete`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const path = `/api/service-imports/${code}/changes.csv`;
    await fileWritten(t, code);
    await as(ALICE, path).expect(302);
    const other = await as(BOB, path).expect(404);
    expect(other.body.message).toBe(`No import with code "${code}".`);
    await as(BOB, `${path}?redirect=false`).expect(404);
    await request(t.app.getHttpServer()).get(path).expect(401);
  });
});

describe('the change log download of a large import (e2e)', () => {
  const CLIENTS = 400;
  const SERVICES = 125; // 50,000 pairs, every one a row of the file
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ IMPORT_ATTEMPTS: '1' }); // IMPORT_BATCH_SIZE as configured by default
    const clients = Array.from({ length: CLIENTS }, (_, i) => `K${i + 1}`);
    const services = Array.from({ length: SERVICES }, (_, j): [string, string] => [
      `T${j + 1}`,
      `${j + 1}.25`,
    ]);
    await seedCatalog(t.dataSource, clients, services);
    // Half the pairs exist already (quantity 1): the upsert updates those and creates the others.
    await t.dataSource.query(`
      INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
      SELECT c.id, s.id, 1, s.unit_price FROM clients c CROSS JOIN billable_services s
       WHERE (substr(c.code, 2)::int + substr(s.code, 2)::int) % 2 = 0`);
  }, 60_000);
  afterAll(() => t.close());

  it('50,000 changed rows: every changed field has its line, in row order, written with a bounded heap', async () => {
    const rows = [HEADER];
    for (let i = 1; i <= CLIENTS; i++) for (let j = 1; j <= SERVICES; j++) rows.push(`K${i},T${j},2,,,,`);
    // A heap that page-by-page writing fits in (ts-node, loaded in the thread under jest, takes most of
    // it) and a thread that read the whole log at once does not: measured, the latter fails the import.
    const writer = t.app.get(ReportWriter);
    const limits = writer.threadLimits;
    writer.threadLimits = { maxOldGenerationSizeMb: 40, maxYoungGenerationSizeMb: 4 };
    let job: JobBody;
    try {
      job = await uploadAndWait(t.app, rows.join('\n'), 'large.csv', '?mode=upsert');
    } finally {
      writer.threadLimits = limits;
    }
    const pairs = CLIENTS * SERVICES;
    expect(job).toMatchObject({ status: 'Completed', createdCount: pairs / 2, updatedCount: pairs / 2 });

    const text = (await download(t, job.code)).text;
    expect(text.startsWith(`\uFEFF${CSV_HEADER}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.slice(1, -2).split('\r\n').slice(1);
    // An update changes the quantity (one line); a creation has a quantity and a price (two).
    expect(lines).toHaveLength(pairs / 2 + pairs);
    let at = 0;
    for (let n = 1; n <= pairs; n++) {
      const i = Math.ceil(n / SERVICES);
      const j = n - (i - 1) * SERVICES;
      const cells = (line: string) => line.split(',').filter((_, c) => c !== 2); // assignmentId aside
      if ((i + j) % 2 === 0) {
        expect(cells(lines[at++])).toEqual([String(n), 'Updated', `K${i}`, `T${j}`, 'quantity', '1', '2']);
      } else {
        expect(cells(lines[at++])).toEqual([String(n), 'Created', `K${i}`, `T${j}`, 'quantity', '', '2']);
        expect(cells(lines[at++])).toEqual([
          String(n),
          'Created',
          `K${i}`,
          `T${j}`,
          'unitPrice',
          '',
          `${j}.25`,
        ]);
      }
    }
  }, 90_000);
});
