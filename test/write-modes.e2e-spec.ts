import request from 'supertest';
import {
  fetchReport,
  HEADER,
  JobBody,
  parseReport,
  seedCatalog,
  upload,
  uploadAndWait,
  waitForEnd,
} from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

// Rows 1-10; the comments say what upsert makes of each against EXISTING below.
const FILE = [
  HEADER,
  'C1,S1,3,,,,', // 1 Updated: quantity 1 -> 3
  'c1,s2,2,20.00,,,', // 2 Unchanged (codes compared case-insensitively)
  'C2,S1,,,,,new', // 3 Created (quantity 1, the catalog price)
  'C1,S1,5,,,,', // 4 DUPLICATE_IN_FILE of row 1
  'C2,S2,,,,2026-01-31,', // 5 INVALID_DATE_RANGE: before the stored start date 2026-06-01
  'C2,S3,,7.50,,,#clear', // 6 Updated: unitPrice 5.00 -> 7.50, notes "x" cleared
  'NOPE,S1,,,,,', // 7 CLIENT_NOT_FOUND
  'C3,S1,,,,,', // 8 CLIENT_INACTIVE
  'C2,S9,,,,,', // 9 SERVICE_NOT_FOUND
  'C1,S3,abc,,,,', // 10 INVALID_QUANTITY
].join('\n');

const EXISTING = `
  INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes)
  SELECT c.id, s.id, v.q, v.p, v.sd::date, v.ed::date, v.n
    FROM (VALUES ('C1', 'S1', 1, 10.00, '2026-01-01', NULL, 'old'),
                 ('C1', 'S2', 2, 20.00, NULL, '2026-12-31', NULL),
                 ('C2', 'S2', 1, 20.00, '2026-06-01', NULL, 'keep'),
                 ('C2', 'S3', 1, 5.00, NULL, NULL, 'x')) AS v(c, s, q, p, sd, ed, n)
    JOIN clients c ON c.code = v.c JOIN billable_services s ON s.code = v.s`;

describe('write modes: create, upsert, update (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    // Batches of 3 rows: a pair repeated in a later batch is judged across batches.
    t = await createTestApp({ IMPORT_BATCH_SIZE: '3' });
    await seedCatalog(
      t.dataSource,
      ['C1', 'C2', 'C3'],
      [
        ['S1', '10.00'],
        ['S2', '20.00'],
        ['S3', '5.00'],
      ],
    );
    await t.dataSource.query(`UPDATE clients SET is_active = false WHERE code = 'C3'`);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    await t.dataSource.query(EXISTING);
  });

  const assignments = async () =>
    t.dataSource.query(
      `SELECT c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price,
              to_char(a.start_date, 'YYYY-MM-DD') AS sd, to_char(a.end_date, 'YYYY-MM-DD') AS ed, a.notes,
              a.import_code AS "importCode", a.updated_at IS NOT NULL AS updated
         FROM client_billable_services a JOIN clients c ON c.id = a.client_id
         JOIN billable_services s ON s.id = a.billable_service_id
        ORDER BY 1, 2`,
    );
  const report = async (job: JobBody) =>
    parseReport((await fetchReport(job.notImportedDownloadUrl!)).text)
      .slice(1)
      .map((r) => r.slice(0, 1).concat(r.slice(-3)));
  const changes = async (code: string, query = '') =>
    (await http().get(`/api/service-imports/${code}/changes${query}`).expect(200)).body;

  it('upsert: creates, updates, leaves unchanged rows alone, and skips duplicates and bad merges', async () => {
    const job = await uploadAndWait(t.app, FILE, 'upsert.csv', '?mode=upsert');
    expect(job).toMatchObject({
      status: 'Completed',
      mode: 'upsert',
      totalItems: 10,
      processedItems: 10,
      createdCount: 1,
      updatedCount: 2,
      unchangedCount: 1,
      skippedCount: 4,
      errorCount: 2,
    });
    expect(await assignments()).toEqual([
      {
        client: 'C1',
        service: 'S1',
        quantity: 3,
        price: '10.00',
        sd: '2026-01-01',
        ed: null,
        notes: 'old',
        importCode: job.code,
        updated: true,
      },
      {
        client: 'C1',
        service: 'S2',
        quantity: 2,
        price: '20.00',
        sd: null,
        ed: '2026-12-31',
        notes: null,
        importCode: null,
        updated: false,
      },
      {
        client: 'C2',
        service: 'S1',
        quantity: 1,
        price: '10.00',
        sd: null,
        ed: null,
        notes: 'new',
        importCode: job.code,
        updated: false,
      },
      {
        client: 'C2',
        service: 'S2',
        quantity: 1,
        price: '20.00',
        sd: '2026-06-01',
        ed: null,
        notes: 'keep',
        importCode: null,
        updated: false,
      },
      {
        client: 'C2',
        service: 'S3',
        quantity: 1,
        price: '7.50',
        sd: null,
        ed: null,
        notes: null,
        importCode: job.code,
        updated: true,
      },
    ]);
    const rows = parseReport((await fetchReport(job.notImportedDownloadUrl!)).text);
    const byRow = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect([...byRow.keys()]).toEqual(['4', '5', '7', '8', '9', '10']);
    expect(byRow.get('4')!.slice(-3)).toEqual([
      'Skipped',
      'DUPLICATE_IN_FILE',
      expect.stringContaining('row 1 of this file'),
    ]);
    expect(byRow.get('5')!.slice(-3)).toEqual([
      'Error',
      'INVALID_DATE_RANGE',
      expect.stringContaining('end on 2026-01-31, before it starts on 2026-06-01'),
    ]);
    expect((await report(job)).map((r) => r[2])).toEqual([
      'DUPLICATE_IN_FILE',
      'INVALID_DATE_RANGE',
      'CLIENT_NOT_FOUND',
      'CLIENT_INACTIVE',
      'SERVICE_NOT_FOUND',
      'INVALID_QUANTITY',
    ]);

    const log = await changes(job.code);
    expect(log).toMatchObject({ total: 3, page: 1, limit: 100 });
    expect(log.items).toEqual([
      {
        rowNumber: 1,
        action: 'Updated',
        assignmentId: expect.any(String),
        clientCode: 'C1',
        serviceCode: 'S1',
        changes: { quantity: { from: 1, to: 3 } },
      },
      {
        rowNumber: 3,
        action: 'Created',
        assignmentId: expect.any(String),
        clientCode: 'C2',
        serviceCode: 'S1',
        changes: {
          quantity: { from: null, to: 1 },
          unitPrice: { from: null, to: '10.00' },
          notes: { from: null, to: 'new' },
        },
      },
      {
        rowNumber: 6,
        action: 'Updated',
        assignmentId: expect.any(String),
        clientCode: 'C2',
        serviceCode: 'S3',
        changes: { unitPrice: { from: '5.00', to: '7.50' }, notes: { from: 'x', to: null } },
      },
    ]);
    expect(
      (await changes(job.code, '?action=Created')).items.map((c: { rowNumber: number }) => c.rowNumber),
    ).toEqual([3]);
    expect(
      (await changes(job.code, '?action=Updated&limit=1&page=2')).items.map(
        (c: { rowNumber: number }) => c.rowNumber,
      ),
    ).toEqual([6]);
  });

  it('update: the same file creates nothing; a pair the client does not have is NOT_ASSIGNED', async () => {
    const job = await uploadAndWait(t.app, FILE, 'update.csv', '?mode=update');
    expect(job).toMatchObject({
      mode: 'update',
      createdCount: 0,
      updatedCount: 2,
      unchangedCount: 1,
      skippedCount: 5,
      errorCount: 2,
    });
    const row3 = (await report(job)).find((r) => r[0] === '3')!;
    expect(row3.slice(1)).toEqual([
      'Skipped',
      'NOT_ASSIGNED',
      expect.stringContaining('use upsert to add it'),
    ]);
    expect(
      (await assignments()).map((a: { client: string; service: string }) => `${a.client}-${a.service}`),
    ).toEqual(['C1-S1', 'C1-S2', 'C2-S2', 'C2-S3']);
  });

  it('create (the default): exactly as before, a pair already assigned is ALREADY_ASSIGNED and #CLEAR is a value', async () => {
    const job = await uploadAndWait(t.app, FILE, 'create.csv');
    expect(job).toMatchObject({
      mode: 'create',
      createdCount: 1,
      updatedCount: 0,
      unchangedCount: 0,
      skippedCount: 8,
      errorCount: 1,
    });
    expect((await report(job)).map((r) => `${r[0]}:${r[2]}`)).toEqual([
      '1:ALREADY_ASSIGNED',
      '2:ALREADY_ASSIGNED',
      '4:ALREADY_ASSIGNED',
      '5:ALREADY_ASSIGNED',
      '6:ALREADY_ASSIGNED',
      '7:CLIENT_NOT_FOUND',
      '8:CLIENT_INACTIVE',
      '9:SERVICE_NOT_FOUND',
      '10:INVALID_QUANTITY',
    ]);
    const log = await changes(job.code);
    expect(log.items).toEqual([
      expect.objectContaining({ rowNumber: 3, action: 'Created', clientCode: 'C2' }),
    ]);
  });

  it('a dry run of upsert records the exact diff a real run then makes: same counters, report and change log', async () => {
    const dry = await uploadAndWait(t.app, FILE, 'plan.csv', '?mode=upsert&dryRun=true');
    expect(await assignments()).toEqual(
      expect.arrayContaining([expect.objectContaining({ client: 'C1', service: 'S1', quantity: 1 })]),
    );
    expect((await assignments()).length).toBe(4); // nothing written
    const real = await uploadAndWait(t.app, FILE, 'plan.csv', '?mode=upsert');
    const counters = (j: JobBody) => [
      j.createdCount,
      j.updatedCount,
      j.unchangedCount,
      j.skippedCount,
      j.errorCount,
    ];
    expect(counters(dry)).toEqual(counters(real));
    expect((await fetchReport(dry.notImportedDownloadUrl!)).text).toBe(
      (await fetchReport(real.notImportedDownloadUrl!)).text,
    );
    const withoutIds = (log: { items: { assignmentId: string | null }[] }) =>
      log.items.map(({ assignmentId: _id, ...rest }) => rest);
    const dryLog = await changes(dry.code);
    expect(dryLog.items.find((c: { action: string }) => c.action === 'Created').assignmentId).toBeNull();
    expect(withoutIds(dryLog)).toEqual(withoutIds(await changes(real.code)));
    const [{ pairs }] = await t.dataSource.query(`SELECT count(*)::int AS pairs FROM assignment_run_pairs`);
    expect(pairs).toBe(0); // forgotten once each run ended
  });

  it('the clear token clears dates too, and a clear that resolves a bad range is accepted', async () => {
    const csv = [HEADER, 'C2,S2,,,#CLEAR,2026-01-31,', 'C1,S2,,,,#Clear,'].join('\n');
    const job = await uploadAndWait(t.app, csv, 'clear.csv', '?mode=upsert');
    expect(job).toMatchObject({ updatedCount: 2, errorCount: 0 });
    const log = await changes(job.code);
    expect(log.items.map((c: { changes: unknown }) => c.changes)).toEqual([
      { startDate: { from: '2026-06-01', to: null }, endDate: { from: null, to: '2026-01-31' } },
      { endDate: { from: '2026-12-31', to: null } },
    ]);
  });

  it('the clear token cannot clear quantity or unitPrice', async () => {
    const csv = [HEADER, 'C1,S1,#CLEAR,,,,', 'C1,S2,,#clear,,,'].join('\n');
    const job = await uploadAndWait(t.app, csv, 'clear.csv', '?mode=update');
    expect((await report(job)).map((r) => `${r[2]}: ${r[3]}`)).toEqual([
      'INVALID_QUANTITY: The quantity cannot be cleared: leave the cell empty to keep it.',
      'INVALID_UNIT_PRICE: The unit price cannot be cleared: leave the cell empty to keep it.',
    ]);
  });

  it.each(['merge', 'CREATE', '', 'upsert,update'])(
    'answers 400 for the mode %j, naming the accepted values; no job',
    async (mode) => {
      const [{ n: before }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`);
      const res = await upload(t.app, FILE, 'x.csv', `?mode=${encodeURIComponent(mode)}`).expect(400);
      expect(JSON.stringify(res.body.message)).toContain('mode must be one of: create, upsert, update');
      const [{ n: after }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs`);
      expect(after).toBe(before);
    },
  );

  it('the changes of an unknown import or of another key are 404; a bad action is 400', async () => {
    await http().get('/api/service-imports/doesnotexist/changes').expect(404);
    const res = await upload(t.app, FILE, 'x.csv', '?mode=upsert').expect(202);
    await waitForEnd(t.app, res.body.code);
    const bad = await http().get(`/api/service-imports/${res.body.code}/changes?action=Removed`).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain(
      'action must be Created, Updated, Deleted or Restored',
    );
  });
});
