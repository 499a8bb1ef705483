// Imports started from another import: POST /{code}/commit (the real run of a checked dry run) and
// POST /{code}/retry (the rows an import did not import, with their original values and row numbers).
import request from 'supertest';
import { StorageService } from '../src/storage/storage.service';
import { ImportSweeper } from '../src/import/worker/import.sweeper';
import {
  expectInvariant,
  fetchReport,
  FINAL,
  forceStatus,
  HEADER,
  JobBody,
  parseReport,
  seedCatalog,
  seedSmallCatalog,
} from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789abc';

// Against EXISTING, in upsert mode: rows 1 and 5 update, 2 creates, 3 CLIENT_NOT_FOUND (a note with
// every CSV syntax), 4 SERVICE_NOT_FOUND, 6 INVALID_QUANTITY, 7 CLIENT_NOT_FOUND, 8 MALFORMED_ROW.
const NOTE = 'a, "quoted"\nsecond line ; é €';
const FILE = [
  HEADER,
  'C1,S1,3,,,,',
  'C1,S2,,,,,new',
  `NEW1,S1,2,,,,"${NOTE.replaceAll('"', '""')}"`,
  'C1,S9,,,,,',
  'C2,S1,,12.50,,,',
  'C2,S2,lots,,,,',
  'NEW2,S2,4,,2026-01-01,,',
  'C2,S2,1,,,,x,extra',
].join('\r\n');

const EXISTING = `
  INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, notes)
  SELECT c.id, s.id, v.q, v.p, v.n
    FROM (VALUES ('C1', 'S1', 1, 10.00, 'old'), ('C2', 'S1', 1, 10.00, NULL)) AS v(c, s, q, p, n)
    JOIN clients c ON c.code = v.c JOIN billable_services s ON s.code = v.s`;

describe('commit a dry run, retry what was not imported (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const post = (path: string, secret = ALICE) => http().post(path).set('X-API-Key', secret);
  const get = (path: string, secret = ALICE) => http().get(path).set('X-API-Key', secret);
  const upload = (content: string, query = '') =>
    post(`/api/service-imports${query}`).attach('file', Buffer.from(content), 'services.csv');

  async function waitForEnd(code: string): Promise<JobBody> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = (await get(`/api/service-imports/${code}`).expect(200)).body as JobBody;
      expectInvariant(job);
      if (FINAL.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`Import ${code} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const started = async (res: request.Response): Promise<JobBody> => {
    if (res.status !== 202) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
    expect(res.headers.location).toBe(`/api/service-imports/${res.body.code}`);
    return waitForEnd(res.body.code);
  };
  const importFile = async (content = FILE, query = '?mode=upsert') => started(await upload(content, query));

  const assignments = () =>
    t.dataSource.query(
      `SELECT c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price, a.notes,
              to_char(a.start_date, 'YYYY-MM-DD') AS sd
         FROM client_billable_services a JOIN clients c ON c.id = a.client_id
         JOIN billable_services s ON s.id = a.billable_service_id ORDER BY 1, 2`,
    );
  const changesOf = async (code: string) =>
    (
      (await get(`/api/service-imports/${code}/changes?limit=500`).expect(200)).body.items as Record<
        string,
        unknown
      >[]
    ).map(({ assignmentId: _id, ...change }) => change);
  const rowsOf = async (code: string, query = '') =>
    (await get(`/api/service-imports/${code}/rows${query}`).expect(200)).body.items as {
      rowNumber: number;
      originalRowNumber: number | null;
      reason: string;
      values: Record<string, string>;
    }[];
  const counters = (job: JobBody) => [
    job.createdCount,
    job.updatedCount,
    job.unchangedCount,
    job.skippedCount,
    job.errorCount,
  ];

  beforeAll(async () => {
    t = await createTestApp({ API_KEYS: `alice:${ALICE},bob:${BOB}`, MAX_ACTIVE_IMPORTS_PER_KEY: '20' });
    await seedSmallCatalog(t.dataSource);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    await t.dataSource.query(`DELETE FROM clients WHERE code LIKE 'NEW%'`);
    await t.dataSource.query(`DELETE FROM billable_services WHERE code = 'S9'`);
    await t.dataSource.query(EXISTING);
  });

  describe('commit', () => {
    it('runs the checked file for real, once, with the same counters and change log as the dry run', async () => {
      const dry = await importFile(FILE, '?mode=upsert&dryRun=true');
      expect(dry).toMatchObject({ status: 'Completed', dryRun: true, mode: 'upsert', commitCode: null });
      const before = await assignments();

      // Five commits at once, then one more: a single real import.
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => post(`/api/service-imports/${dry.code}/commit`)),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      expect(new Set(answers.map((a) => a.body.code)).size).toBe(1);
      const real = await started(answers[0]);
      expect((await post(`/api/service-imports/${dry.code}/commit`).expect(202)).body.code).toBe(real.code);

      expect(real).toMatchObject({
        status: 'Completed',
        dryRun: false,
        mode: 'upsert',
        fileName: dry.fileName,
        committedFromCode: dry.code,
        commitCountersDiffer: false,
      });
      expect(counters(real)).toEqual(counters(dry));
      expect(counters(real)).toEqual([1, 2, 0, 3, 2]);
      const dryAfter = (await get(`/api/service-imports/${dry.code}`).expect(200)).body;
      expect(dryAfter).toMatchObject({ commitCode: real.code, commitCountersDiffer: false });
      expect(await changesOf(real.code)).toEqual(await changesOf(dry.code));
      expect(await assignments()).not.toEqual(before);
      // Both reports list the same rows, the same way.
      const dryReport = parseReport((await fetchReport(dry.notImportedDownloadUrl!)).text);
      const realReport = parseReport((await fetchReport(real.notImportedDownloadUrl!)).text);
      expect(realReport).toEqual(dryReport);
    });

    it('applies the rules to the data as it is then, and both jobs say the counters differ', async () => {
      const dry = await importFile(FILE, '?mode=upsert&dryRun=true');
      await seedCatalog(t.dataSource, ['NEW1'], []); // row 3 can be created now
      const real = await started(await post(`/api/service-imports/${dry.code}/commit`));
      expect(real.createdCount).toBe(dry.createdCount + 1);
      expect(real.skippedCount).toBe(dry.skippedCount - 1);
      expect(real.commitCountersDiffer).toBe(true);
      expect((await get(`/api/service-imports/${dry.code}`).expect(200)).body.commitCountersDiffer).toBe(
        true,
      );
      const created = (await assignments()).find((a: { client: string }) => a.client === 'NEW1');
      expect(created).toMatchObject({ quantity: 2, notes: NOTE });
    });

    it('refuses what is not a Completed dry run (409), a deleted file (410), an unknown or foreign code (404)', async () => {
      const real = await importFile();
      const notDry = await post(`/api/service-imports/${real.code}/commit`).expect(409);
      expect(notDry.body.message).toMatch(/not a dry run/);

      const dry = await importFile(FILE, '?mode=upsert&dryRun=true');
      await forceStatus(t.dataSource, dry.code, 'InProgress');
      expect((await post(`/api/service-imports/${dry.code}/commit`).expect(409)).body.message).toMatch(
        /InProgress.*Wait for it to complete/,
      );
      await forceStatus(t.dataSource, dry.code, 'Failed');
      expect((await post(`/api/service-imports/${dry.code}/commit`).expect(409)).body.message).toMatch(
        /Failed/,
      );
      await forceStatus(t.dataSource, dry.code, 'Completed');

      expect((await post(`/api/service-imports/${dry.code}/commit`, BOB).expect(404)).body.message).toMatch(
        /No import/,
      );
      await post(`/api/service-imports/AAAAAAAAAAAAAAAAAAAAAA/commit`).expect(404);

      // Retention: the dry run expires; its file goes, and a commit is 410.
      await t.dataSource.query(
        `UPDATE service_import_jobs SET completed_at = now() - interval '400 days' WHERE code = $1`,
        [dry.code],
      );
      await t.app.get(ImportSweeper).sweep();
      const gone = await post(`/api/service-imports/${dry.code}/commit`).expect(410);
      expect(gone.body.message).toMatch(/retention/);
    });

    it('keeps the file a commit shares with its dry run until neither needs it', async () => {
      const dry = await importFile(FILE, '?mode=upsert&dryRun=true');
      const real = await started(await post(`/api/service-imports/${dry.code}/commit`));
      const [{ upload_key: key }] = await t.dataSource.query(
        `SELECT upload_key FROM service_import_jobs WHERE code = $1`,
        [real.code],
      );
      const storage = t.app.get(StorageService);
      const exists = () =>
        storage.get(key).then(
          (s) => (s.destroy(), true),
          () => false,
        );

      await t.dataSource.query(
        `UPDATE service_import_jobs SET completed_at = now() - interval '400 days' WHERE code = $1`,
        [dry.code],
      );
      await t.app.get(ImportSweeper).sweep();
      expect(
        (await get(`/api/service-imports/${dry.code}`).expect(200)).body.notImportedDownloadUrl,
      ).toBeNull();
      expect(await exists()).toBe(true); // the commit still has it

      await t.dataSource.query(
        `UPDATE service_import_jobs SET completed_at = now() - interval '400 days' WHERE code = $1`,
        [real.code],
      );
      await t.app.get(ImportSweeper).sweep();
      expect(await exists()).toBe(false);
    });
  });

  describe('retry', () => {
    it('imports again the rows of a reason once the data is fixed, naming their rows in the first file', async () => {
      const first = await importFile();
      expect(counters(first)).toEqual([1, 2, 0, 3, 2]);
      await seedCatalog(t.dataSource, ['NEW1', 'NEW2'], []);

      const retry = await started(
        await post(`/api/service-imports/${first.code}/retry?reason=CLIENT_NOT_FOUND`),
      );
      expect(retry).toMatchObject({
        status: 'Completed',
        mode: 'upsert',
        dryRun: false,
        retryOfCode: first.code,
        totalItems: 2,
        createdCount: 2,
        notImportedDownloadUrl: null,
      });
      const created = await assignments();
      expect(created).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ client: 'NEW1', service: 'S1', quantity: 2, notes: NOTE }),
          expect.objectContaining({ client: 'NEW2', service: 'S2', quantity: 4, sd: '2026-01-01' }),
        ]),
      );
      expect((await changesOf(retry.code)).map((c) => c.rowNumber)).toEqual([1, 2]);
    });

    it('retries every row not imported, and a retry of a retry maps to the first file', async () => {
      const first = await importFile();
      const all = await started(await post(`/api/service-imports/${first.code}/retry`));
      expect(all).toMatchObject({ totalItems: 5, skippedCount: 3, errorCount: 2, retryOfCode: first.code });
      const rows = await rowsOf(all.code);
      expect(rows.map((r) => [r.rowNumber, r.originalRowNumber, r.reason])).toEqual([
        [1, 3, 'CLIENT_NOT_FOUND'],
        [2, 4, 'SERVICE_NOT_FOUND'],
        [3, 6, 'INVALID_QUANTITY'],
        [4, 7, 'CLIENT_NOT_FOUND'],
        [5, 8, 'MALFORMED_ROW'], // its value beyond the header came along
      ]);
      expect(rows[0].values.notes).toBe(NOTE);
      const report = parseReport((await fetchReport(all.notImportedDownloadUrl!)).text);
      expect(report[0].slice(0, 3)).toEqual(['rowNumber', 'originalRowNumber', 'clientCode']);
      expect(report.slice(1).map((r) => [r[0], r[1], r[r.length - 2]])).toEqual(
        rows.map((r) => [String(r.rowNumber), String(r.originalRowNumber), r.reason]),
      );
      // The rows of an uploaded file have no original number.
      expect((await rowsOf(first.code)).every((r) => r.originalRowNumber === null)).toBe(true);

      await seedCatalog(t.dataSource, [], [['S9', '9.00']]);
      const second = await started(await post(`/api/service-imports/${all.code}/retry?outcome=Skipped`));
      expect(second).toMatchObject({
        retryOfCode: all.code,
        totalItems: 3,
        createdCount: 1,
        skippedCount: 2,
      });
      expect((await rowsOf(second.code)).map((r) => [r.rowNumber, r.originalRowNumber, r.reason])).toEqual([
        [1, 3, 'CLIENT_NOT_FOUND'],
        [3, 7, 'CLIENT_NOT_FOUND'],
      ]);
      const errors = await started(
        await post(`/api/service-imports/${second.code}/retry?outcome=Error`)
          .expect(409)
          .then(() => post(`/api/service-imports/${all.code}/retry?outcome=Error`)),
      );
      expect((await rowsOf(errors.code)).map((r) => [r.originalRowNumber, r.reason])).toEqual([
        [6, 'INVALID_QUANTITY'],
        [8, 'MALFORMED_ROW'],
      ]);
    });

    it('keeps the mode, honours an Idempotency-Key, and dry-runs a dry run', async () => {
      const first = await importFile(FILE, '?mode=update');
      expect(first.mode).toBe('update');
      const once = await post(`/api/service-imports/${first.code}/retry?reason=CLIENT_NOT_FOUND`)
        .set('Idempotency-Key', 'r-1')
        .expect(202);
      const again = await post(`/api/service-imports/${first.code}/retry?reason=CLIENT_NOT_FOUND`)
        .set('Idempotency-Key', 'r-1')
        .expect(202);
      expect(again.body.code).toBe(once.body.code);
      const retry = await started(once);
      expect(retry.mode).toBe('update');
      await post(`/api/service-imports/${first.code}/retry?reason=SERVICE_NOT_FOUND`)
        .set('Idempotency-Key', 'r-1')
        .expect(422);

      const dry = await importFile(FILE, '?mode=upsert&dryRun=true');
      const refused = await post(`/api/service-imports/${dry.code}/retry`).expect(409);
      expect(refused.body.message).toMatch(/dry run.*dryRun=true/);
      const dryRetry = await started(await post(`/api/service-imports/${dry.code}/retry?dryRun=true`));
      expect(dryRetry).toMatchObject({ dryRun: true, totalItems: 5, retryOfCode: dry.code });
    });

    it('refuses a running import (409), nothing to retry (409), bad filters (400), unknown or foreign codes (404)', async () => {
      const first = await importFile();
      await forceStatus(t.dataSource, first.code, 'InProgress');
      expect((await post(`/api/service-imports/${first.code}/retry`).expect(409)).body.message).toMatch(
        /InProgress/,
      );
      await forceStatus(t.dataSource, first.code, 'Completed');

      const none = await post(`/api/service-imports/${first.code}/retry?reason=CLIENT_INACTIVE`).expect(409);
      expect(none.body.message).toMatch(/no rows not imported with reason CLIENT_INACTIVE/);
      const bad = await post(`/api/service-imports/${first.code}/retry?reason=NOPE&outcome=Maybe`).expect(
        400,
      );
      expect(JSON.stringify(bad.body.message)).toMatch(/outcome must be Skipped or Error/);
      expect(JSON.stringify(bad.body.message)).toMatch(/reason must be one of/);
      await post(`/api/service-imports/${first.code}/retry`, BOB).expect(404);
      await post(`/api/service-imports/AAAAAAAAAAAAAAAAAAAAAA/retry`).expect(404);

      await t.dataSource.query(
        `UPDATE service_import_jobs SET completed_at = now() - interval '400 days' WHERE code = $1`,
        [first.code],
      );
      await t.app.get(ImportSweeper).sweep();
      expect((await post(`/api/service-imports/${first.code}/retry`).expect(410)).body.message).toMatch(
        /retention/,
      );
      // None of the refused retries left a job behind.
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM service_import_jobs r JOIN service_import_jobs s ON s.id = r.retry_of_id
          WHERE s.code = $1`,
        [first.code],
      );
      expect(n).toBe(0);
    });
  });
});
