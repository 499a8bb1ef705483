import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ImportSweeper } from '../src/import/worker/import.sweeper';
import { fetchReport, seedCatalog, upload, uploadAndWait, waitForEnd } from './support/imports';
import { rawUpload } from './support/raw-upload';
import { createTestApp, TestApp } from './support/test-app';

describe('import limits, dry runs, concurrency and retention (e2e)', () => {
  let t: TestApp;
  const clients = Array.from({ length: 200 }, (_, i) => `K${i + 1}`);
  const services = Array.from({ length: 100 }, (_, i): [string, string] => [`Z${i + 1}`, '3.00']);

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_ROWS: '30000', IMPORT_CONCURRENCY: '2', IMPORT_BATCH_SIZE: '500' });
    await seedCatalog(t.dataSource, clients, services);
  });
  afterAll(() => t.close());
  afterEach(() => t.dataSource.query(`DELETE FROM client_billable_services`));

  it('fails a file with too many rows before writing anything, naming both numbers', async () => {
    const rows = Array.from({ length: 30_001 }, (_, i) => `K${(i % 200) + 1},Z${(i % 100) + 1}`);
    const job = await uploadAndWait(t.app, ['clientCode,serviceCode', ...rows].join('\n'), 'huge.csv');
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toContain('30001');
    expect(job.failureReason).toContain('30000');
    expect(job.processedItems).toBe(0);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM client_billable_services`);
    expect(n).toBe(0);
  });

  it('refuses a header wider than IMPORT_MAX_COLUMNS at upload with 400 naming both numbers; no job, no file', async () => {
    const dir = join(t.config.storage.localDir, 'uploads');
    const uploads = () => (existsSync(dir) ? readdirSync(dir) : []);
    const before = uploads().length;
    const [{ n: jobsBefore }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM service_import_jobs`,
    );
    // The file of issue 12: 5,000 columns, 1,000 short rows (42.8 KB).
    const header = ['clientCode', 'serviceCode', ...Array.from({ length: 4998 }, (_, i) => `c${i}`)].join(
      ',',
    );
    const wide = [header, ...Array.from({ length: 1000 }, (_, i) => `NOPE${i},S0001`)].join('\n') + '\n';
    const res = await upload(t.app, wide, 'wide.csv').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('has 5000 columns; the limit is 100 (IMPORT_MAX_COLUMNS)'),
    });
    // One past the default limit is refused the same way; the limit itself is accepted.
    const columns = (n: number) => [
      'clientCode',
      'serviceCode',
      ...Array.from({ length: n - 2 }, (_, i) => `x${i}`),
    ];
    const over = await upload(t.app, `${columns(101).join(',')}\nK1,Z1\n`, 'over.csv').expect(400);
    expect(over.body.message).toContain('has 101 columns; the limit is 100');
    const [{ n: jobsAfter }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`);
    expect(jobsAfter).toBe(jobsBefore);
    expect(uploads().length).toBe(before);
    const fits = await uploadAndWait(t.app, `${columns(100).join(',')}\nK1,Z1\n`, 'fits.csv');
    expect(fits.status).toBe('Completed');
  });

  it('fails on an unterminated quote that swallows the rest of the file, naming the row', async () => {
    const csv = 'clientCode,serviceCode,notes\nK1,Z1,fine\nK2,Z2,"never closed\nK3,Z3,swallowed\n';
    const job = await uploadAndWait(t.app, csv, 'unterminated.csv');
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toMatch(/quote/i);
    expect(job.failureReason).toMatch(/row 2\b/i);
  });

  it('bounds field size: a field over IMPORT_MAX_FIELD_CHARS fails the job naming the row', async () => {
    const csv = `clientCode,serviceCode,notes\nK1,Z1,ok\nK2,Z2,${'x'.repeat(70 * 1024)}\n`;
    const job = await uploadAndWait(t.app, csv, 'oversized.csv');
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toMatch(/row 2\b/i);
  });

  // Control characters cannot travel in a multipart header (busboy refuses them); their removal is
  // covered by src/import/upload/file-name.spec.ts.
  it('sanitises the displayed file name', async () => {
    const res = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\n', '..\\..\\etc/passwd.csv').expect(202);
    expect(res.body.fileName).toBe('passwd.csv');
    const long = `${'n'.repeat(400)}.csv`;
    const res2 = await upload(t.app, 'clientCode,serviceCode\nK1,Z1\n', long).expect(202);
    expect(res2.body.fileName.length).toBe(255);
    await waitForEnd(t.app, res.body.code);
    await waitForEnd(t.app, res2.body.code);
  });

  it('keeps a file name sent as raw UTF-8, as browsers and curl send it, minus bidi controls', async () => {
    const names = [
      ['Relatório_日本.csv', 'Relatório_日本.csv'],
      ['équipe 👨\u200d👩\u200d👧 (março).csv', 'équipe 👨\u200d👩\u200d👧 (março).csv'],
      ['تقرير_الشهر.csv', 'تقرير_الشهر.csv'],
      ['invoice\u202Evsc.csv', 'invoicevsc.csv'],
      ['\u2067photo\u2069\u200f.csv', 'photo.csv'],
    ];
    for (const [sent, shown] of names) {
      const answer = await rawUpload({
        port: Number(new URL(t.baseUrl).port),
        content: Buffer.from('clientCode,serviceCode\nK1,Z1\n'),
        fileName: sent,
        ending: 'complete',
      });
      expect({ sent, status: answer.status }).toEqual({ sent, status: 202 });
      const job = JSON.parse(answer.body);
      expect(job.fileName).toBe(shown);
      expect((await waitForEnd(t.app, job.code)).fileName).toBe(shown);
    }
  });

  it('a dry run writes nothing and gives the same counters and report as the real run', async () => {
    const csv = [
      'clientCode,serviceCode,quantity',
      'K1,Z1,1',
      'K1,Z1,2', // same pair again: ALREADY_ASSIGNED in both runs
      'K2,Z2,abc',
      'NOPE,Z3,1',
      ...Array.from({ length: 2000 }, (_, i) => `K${(i % 200) + 1},Z${Math.floor(i / 200) + 10}`),
      'K1,Z10,1', // repeats a pair of an earlier batch
    ].join('\n');
    const dry = await upload(t.app, csv, 'plan.csv', '?dryRun=true').expect(202);
    expect(dry.body.dryRun).toBe(true);
    const dryJob = await waitForEnd(t.app, dry.body.code);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM client_billable_services`);
    expect(n).toBe(0);
    const [{ pairs }] = await t.dataSource.query(`SELECT count(*)::int AS pairs FROM assignment_run_pairs`);
    expect(pairs).toBe(0); // discarded once the dry run ended

    const real = await uploadAndWait(t.app, csv, 'plan.csv');
    expect(real.dryRun).toBe(false);
    const pick = (j: typeof real) => [j.status, j.totalItems, j.createdCount, j.skippedCount, j.errorCount];
    expect(pick(dryJob)).toEqual(pick(real));
    expect(dryJob.createdCount).toBe(2001);
    expect((await fetchReport(dryJob.notImportedDownloadUrl!)).text).toBe(
      (await fetchReport(real.notImportedDownloadUrl!)).text,
    );
  });

  it('two concurrent imports of overlapping pairs create every pair exactly once', async () => {
    const forward = clients.flatMap((c) => services.map(([s]) => `${c},${s}`));
    const a = ['clientCode,serviceCode', ...forward.slice(0, 15_000)].join('\n');
    const b = ['clientCode,serviceCode', ...forward.slice(5_000).reverse()].join('\n');
    const [ra, rb] = await Promise.all([upload(t.app, a, 'a.csv'), upload(t.app, b, 'b.csv')]);
    const [ja, jb] = await Promise.all([waitForEnd(t.app, ra.body.code), waitForEnd(t.app, rb.body.code)]);
    expect([ja.status, jb.status]).toEqual(['Completed', 'Completed']);
    expect(ja.createdCount + jb.createdCount).toBe(20_000);
    expect(ja.skippedCount + jb.skippedCount).toBe(15_000 + 15_000 - 20_000);
    const [{ n, pairs }] = await t.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT (client_id, billable_service_id))::int AS pairs FROM client_billable_services`,
    );
    expect({ n, pairs }).toEqual({ n: 20_000, pairs: 20_000 });
  });

  it('retention deletes files and reports after IMPORT_RETENTION_DAYS (clock injected); the link becomes 410', async () => {
    const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nNOPE,Z1\n', 'old.csv');
    expect(job.notImportedDownloadUrl).toBeTruthy();
    const http = request(t.app.getHttpServer());
    await http.get(`/api/service-imports/${job.code}/not-imported`).expect(302);

    const sweeper = t.app.get(ImportSweeper);
    sweeper.now = () => new Date(Date.now() + 6 * 24 * 3600 * 1000);
    await sweeper.sweep();
    await http.get(`/api/service-imports/${job.code}/not-imported`).expect(302); // 6 days: still kept

    sweeper.now = () => new Date(Date.now() + 8 * 24 * 3600 * 1000);
    await sweeper.sweep();
    const after = (await http.get(`/api/service-imports/${job.code}`).expect(200)).body;
    expect(after.notImportedDownloadUrl).toBeNull();
    const gone = await http.get(`/api/service-imports/${job.code}/not-imported`).expect(410);
    expect(gone.body.statusCode).toBe(410);
    const [row] = await t.dataSource.query(
      `SELECT upload_key, report_key FROM service_import_jobs WHERE code = $1`,
      [job.code],
    );
    expect(existsSync(join(t.config.storage.localDir, row.upload_key))).toBe(false);
    expect(existsSync(join(t.config.storage.localDir, row.report_key))).toBe(false);
    expect(readdirSync(join(t.config.storage.localDir, 'reports'))).not.toContain(
      `${row.report_key.split('/')[1]}`,
    );
  });
});
