import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';
import {
  fetchReport,
  JobBody,
  parseReport,
  seedCatalog,
  upload,
  uploadAndWait,
  waitForEnd,
} from './support/imports';

describe('CSV import jobs (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BATCH_SIZE: '4' });
    await seedCatalog(
      t.dataSource,
      ['C1', 'C2'],
      [
        ['S1', '10.00'],
        ['S2', '20.00'],
        ['S3', '30.00'],
      ],
    );
    // C2 already has S3 before any import.
    await t.dataSource.query(
      `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price)
       SELECT c.id, s.id, 1, 30 FROM clients c, billable_services s WHERE c.code = 'C2' AND s.code = 'S3'`,
    );
  });
  afterAll(() => t.close());

  const mixed = [
    'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes,extra',
    'C1,S1,,,,,first,keep-me',
    'c1,s2,3,12.5,2026-01-01,2026-12-31,"multi, comma",x',
    'C1,S1,2,,,,,',
    'NOPE,S1,,,,,,',
    'C2,NOPE,,,,,,',
    'C2,S3,,,,,,',
    'C2,S1,0,,,,,',
    'NOPE2,S1,abc,,,,,',
    ',,,,,,,',
    ',S1,,,,,,',
    'C2,,,,,,,',
    'C2,S2,1,-5,,,,',
    'C2,S2,1,1.234,,,,',
    'C2,S2,1,,2026-02-30,,,',
    'C2,S2,1,,2026-03-01,2026-02-01,,',
    `C2,S2,1,,,,${'x'.repeat(1001)},`,
    'C2,S2,1,,,,,extra,MORE',
    '=cmd,S1,,,,,,',
    'C2,S2,,,,,,',
    '',
  ].join('\r\n');

  it('imports a mixed file with exact counters, records and report', async () => {
    const res = await upload(t.app, mixed, 'mixed.csv').expect(202);
    expect(res.headers.location).toBe(`/api/service-imports/${res.body.code}`);
    expect(res.body).toMatchObject({
      status: 'Queued',
      fileName: 'mixed.csv',
      totalItems: null,
      processedItems: 0,
    });
    expect(res.body.code).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    const job = await waitForEnd(t.app, res.body.code);
    expect(job).toMatchObject({
      status: 'Completed',
      totalItems: 18,
      processedItems: 18,
      createdCount: 3,
      skippedCount: 5,
      errorCount: 10,
      failureReason: null,
    });
    expect(Date.parse(job.startedDate!)).toBeGreaterThanOrEqual(Date.parse(job.createdDate));
    expect(Date.parse(job.completedDate!)).toBeGreaterThanOrEqual(Date.parse(job.startedDate!));

    const records = await t.dataSource.query(
      `SELECT c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price,
              a.start_date::text AS start, a.end_date::text AS "end", a.notes, j.code AS job
         FROM client_billable_services a
         JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
         LEFT JOIN service_import_jobs j ON j.id = a.import_job_id
        ORDER BY c.code, s.code`,
    );
    expect(records).toEqual([
      {
        client: 'C1',
        service: 'S1',
        quantity: 1,
        price: '10.00',
        start: null,
        end: null,
        notes: 'first',
        job: job.code,
      },
      {
        client: 'C1',
        service: 'S2',
        quantity: 3,
        price: '12.50',
        start: '2026-01-01',
        end: '2026-12-31',
        notes: 'multi, comma',
        job: job.code,
      },
      {
        client: 'C2',
        service: 'S2',
        quantity: 1,
        price: '20.00',
        start: null,
        end: null,
        notes: null,
        job: job.code,
      },
      {
        client: 'C2',
        service: 'S3',
        quantity: 1,
        price: '30.00',
        start: null,
        end: null,
        notes: null,
        job: null,
      },
    ]);

    expect(job.notImportedDownloadUrl).toBeTruthy();
    const report = await fetchReport(job.notImportedDownloadUrl!);
    expect(report.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(report.headers.get('content-disposition')).toContain('mixed-not-imported.csv');
    expect(report.text).toContain('\r\n');
    const rows = parseReport(report.text);
    expect(rows[0]).toEqual([
      'rowNumber',
      'clientCode',
      'serviceCode',
      'quantity',
      'unitPrice',
      'startDate',
      'endDate',
      'notes',
      'extra',
      'outcome',
      'reason',
      'message',
    ]);
    const outcomes = rows.slice(1).map((r) => [r[0], r[9], r[10]]);
    expect(outcomes).toEqual([
      ['3', 'Skipped', 'ALREADY_ASSIGNED'],
      ['4', 'Skipped', 'CLIENT_NOT_FOUND'],
      ['5', 'Skipped', 'SERVICE_NOT_FOUND'],
      ['6', 'Skipped', 'ALREADY_ASSIGNED'],
      ['7', 'Error', 'INVALID_QUANTITY'],
      ['8', 'Error', 'INVALID_QUANTITY'],
      ['9', 'Error', 'MISSING_CLIENT_CODE'],
      ['10', 'Error', 'MISSING_SERVICE_CODE'],
      ['11', 'Error', 'INVALID_UNIT_PRICE'],
      ['12', 'Error', 'INVALID_UNIT_PRICE'],
      ['13', 'Error', 'INVALID_DATE'],
      ['14', 'Error', 'INVALID_DATE_RANGE'],
      ['15', 'Error', 'NOTES_TOO_LONG'],
      ['16', 'Error', 'MALFORMED_ROW'],
      ['17', 'Skipped', 'CLIENT_NOT_FOUND'],
    ]);
    const byRow = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(byRow.get('4')!.slice(1, 3)).toEqual(['NOPE', 'S1']);
    expect(byRow.get('11')![4]).toBe("'-5"); // formula-safe, numbers included
    expect(byRow.get('17')![1]).toBe("'=cmd");
    for (const row of rows.slice(1)) expect(row[11].length).toBeGreaterThan(10); // a sentence, not a code
    expect(byRow.get('16')![11]).toContain('MORE'); // extra values are not lost
  });

  it('answers 400 for no file, an empty file and a header lacking required columns', async () => {
    const http = request(t.app.getHttpServer());
    const none = await http.post('/api/service-imports').field('x', '1').expect(400);
    expect(none.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(none.body.message).toMatch(/file/i);

    await upload(t.app, '', 'empty.csv').expect(400);

    const missing = await upload(t.app, 'Client Code,qty\nC1,1\n', 'missing.csv').expect(400);
    expect(missing.body.message).toContain('serviceCode');
    expect(missing.body.message).toContain('Client Code');
    expect(missing.body.message).toContain('qty');
  });

  it('refuses binary content with 415', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const res = await upload(t.app, zip, 'book.xlsx').expect(415);
    expect(res.body.statusCode).toBe(415);
    await upload(t.app, Buffer.from('clientCode,serviceCode\nC1,S\u00001\n'), 'nul.csv').expect(415);
  });

  it('imports a header-only file as Completed with totalItems 0 and no report', async () => {
    const job = await uploadAndWait(t.app, 'clientCode,serviceCode\r\n', 'header-only.csv');
    expect(job).toMatchObject({
      status: 'Completed',
      totalItems: 0,
      processedItems: 0,
      notImportedDownloadUrl: null,
    });
    await request(t.app.getHttpServer()).get(`/api/service-imports/${job.code}/not-imported`).expect(404);
  });

  it('skips rows of an inactive client with CLIENT_INACTIVE', async () => {
    await seedCatalog(t.dataSource, ['SLEEPY'], []);
    await t.dataSource.query(`UPDATE clients SET is_active = false WHERE code = 'SLEEPY'`);
    const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nsleepy,S1\n', 'inactive.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 0, skippedCount: 1 });
    const rows = parseReport((await fetchReport(job.notImportedDownloadUrl!)).text);
    expect(rows[1].slice(-3, -1)).toEqual(['Skipped', 'CLIENT_INACTIVE']);
    expect(rows[1][rows[1].length - 1]).toContain('inactive');
  });

  it('redirects /not-imported to a fresh signed link', async () => {
    const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nNOBODY,S1\n', 'one.csv');
    expect(job).toMatchObject({ status: 'Completed', skippedCount: 1 });
    const res = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${job.code}/not-imported`)
      .expect(302);
    const report = await fetchReport(res.headers.location);
    expect(parseReport(report.text)[1].slice(0, 3)).toEqual(['1', 'NOBODY', 'S1']);

    // redirect=false: the same fresh link as JSON, with when it stops working.
    const before = Date.now();
    const link = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${job.code}/not-imported?redirect=false`)
      .expect(200);
    expect(Object.keys(link.body).sort()).toEqual(['expiresDate', 'url']);
    const ttlMs = t.config.signedUrlTtlSeconds * 1000;
    expect(Date.parse(link.body.expiresDate)).toBeGreaterThanOrEqual(before + ttlMs - 1000);
    expect(Date.parse(link.body.expiresDate)).toBeLessThanOrEqual(Date.now() + ttlMs);
    expect(parseReport((await fetchReport(link.body.url)).text)[1].slice(0, 3)).toEqual([
      '1',
      'NOBODY',
      'S1',
    ]);
  });

  it.each(['yes', '1', 'TRUE', '', 'true,false'])(
    'answers 400 for the boolean query value %j',
    async (value) => {
      const http = request(t.app.getHttpServer());
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`);
      const res = await upload(t.app, 'clientCode,serviceCode\nC1,S1\n', 'x.csv', `?dryRun=${value}`).expect(
        400,
      );
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toContain('dryRun must be true or false');
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`)).toEqual(before);
      const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nNOBODY,S1\n');
      const bad = await http
        .get(`/api/service-imports/${job.code}/not-imported?redirect=${value}`)
        .expect(400);
      expect(JSON.stringify(bad.body.message)).toContain('redirect must be true or false');
    },
  );

  it('404 for an unknown code, 409 when cancelling a finished job', async () => {
    const http = request(t.app.getHttpServer());
    const unknown = await http.get('/api/service-imports/doesnotexist').expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await http.post('/api/service-imports/doesnotexist/cancel').expect(404);
    const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nC1,S3\n');
    const res = await http.post(`/api/service-imports/${job.code}/cancel`).expect(409);
    expect(res.body.message).toContain('Completed');
  });

  it('lists imports newest first, filtered by status', async () => {
    const http = request(t.app.getHttpServer());
    const all = await http.get('/api/service-imports?limit=100').expect(200);
    expect(all.body.total).toBeGreaterThanOrEqual(4);
    const created = all.body.items.map((j: { createdDate: string }) => Date.parse(j.createdDate));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const completed = await http.get('/api/service-imports?status=Completed&page=1&limit=2').expect(200);
    expect(completed.body).toMatchObject({ page: 1, limit: 2 });
    expect(completed.body.items).toHaveLength(2);
    for (const j of completed.body.items) expect(j.status).toBe('Completed');
    await http.get('/api/service-imports?status=Done').expect(400);
  });

  it('answers GET /{code} (a plain query) with the same job the list shows (the entity), field for field', async () => {
    const http = request(t.app.getHttpServer());
    const all = await http.get('/api/service-imports?limit=100').expect(200);
    const withReport = all.body.items.find((j: JobBody) => j.notImportedDownloadUrl !== null);
    const clean = all.body.items.find(
      (j: JobBody) => j.status === 'Completed' && j.notImportedDownloadUrl === null,
    );
    for (const listed of [withReport, clean]) {
      expect(listed).toBeDefined();
      const one = await http.get(`/api/service-imports/${listed.code}`).expect(200);
      // A report link is signed for each answer (its token holds the expiry second, so two answers a
      // second apart differ); the rest is the same.
      const link = (body: JobBody) =>
        body.notImportedDownloadUrl?.split('?')[0].replace(/\/downloads\/[^/]+$/, '/downloads/<token>') ??
        null;
      expect({ ...one.body, notImportedDownloadUrl: link(one.body) }).toEqual({
        ...listed,
        notImportedDownloadUrl: link(listed),
      });
      expect(Object.keys(one.body)).toEqual(Object.keys(listed));
    }
  });

  it('serves a template that imports cleanly', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/service-imports/template').expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.text.split(/\r?\n/)[0]).toMatch(
      /^clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes/,
    );
  });
});
