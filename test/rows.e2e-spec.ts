import request from 'supertest';
import { StorageService } from '../src/storage/storage.service';
import { seedCatalog, upload } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const KEY_A = 'alpha-secret-0123456789';
const KEY_B = 'bravo-secret-0123456789';

// Original column names (aliases, odd case, an unknown column, a repeated one and a blank one): the
// values come back keyed by them, as the file had them.
const HEADER = 'Client Code,SERVICE_CODE,Qty,Price,Notes,Extra,Extra,';
const FILE = [
  HEADER,
  'C1,S1,1,,created,x,y,z', // 1 created
  'NOPE,S1,1,,unknown client,,,', // 2 Skipped CLIENT_NOT_FOUND
  'C1,S1,2,,again,,,', // 3 Skipped ALREADY_ASSIGNED
  'C1,NOPE,1,,unknown service,,,', // 4 Skipped SERVICE_NOT_FOUND
  'C1,S2,abc,,bad qty,,,', // 5 Error INVALID_QUANTITY
  ',S2,1,,no client,,,', // 6 Error MISSING_CLIENT_CODE
  'NOPE2,S2,1,,unknown again,,,', // 7 Skipped CLIENT_NOT_FOUND
  'C1,S2,1,-1,bad price,,,', // 8 Error INVALID_UNIT_PRICE
  'C1,S2,1,,created too,,,', // 9 created
].join('\n');

describe('per-row results (e2e)', () => {
  let t: TestApp;
  let code: string;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BATCH_SIZE: '3', API_KEYS: `alpha:${KEY_A},bravo:${KEY_B}` });
    await seedCatalog(
      t.dataSource,
      ['C1'],
      [
        ['S1', '1.00'],
        ['S2', '2.00'],
      ],
    );
    const res = await upload(t.app, FILE, 'rows.csv').set('Authorization', `Bearer ${KEY_A}`).expect(202);
    code = res.body.code;
    await waitCompleted(code);
  });
  afterAll(() => t.close());

  const rows = (query = '', key = KEY_A, target = code) =>
    request(t.app.getHttpServer())
      .get(`/api/service-imports/${target}/rows${query}`)
      .set('Authorization', `Bearer ${key}`);

  async function waitCompleted(target: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const res = await request(t.app.getHttpServer())
        .get(`/api/service-imports/${target}`)
        .set('Authorization', `Bearer ${KEY_A}`)
        .expect(200);
      if (res.body.status === 'Completed') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('import did not complete');
  }

  it('lists every row not imported in file order, values keyed by the original column names', async () => {
    const res = await rows().expect(200);
    expect(res.body).toMatchObject({ total: 7, page: 1, limit: 100 });
    expect(res.body.items.map((r: any) => [r.rowNumber, r.outcome, r.reason])).toEqual([
      [2, 'Skipped', 'CLIENT_NOT_FOUND'],
      [3, 'Skipped', 'ALREADY_ASSIGNED'],
      [4, 'Skipped', 'SERVICE_NOT_FOUND'],
      [5, 'Error', 'INVALID_QUANTITY'],
      [6, 'Error', 'MISSING_CLIENT_CODE'],
      [7, 'Skipped', 'CLIENT_NOT_FOUND'],
      [8, 'Error', 'INVALID_UNIT_PRICE'],
    ]);
    expect(res.body.items[0]).toEqual({
      rowNumber: 2,
      originalRowNumber: null, // an uploaded file, not a retry
      outcome: 'Skipped',
      reason: 'CLIENT_NOT_FOUND',
      message: 'No client with code "NOPE".',
      values: {
        'Client Code': 'NOPE',
        SERVICE_CODE: 'S1',
        Qty: '1',
        Price: '',
        Notes: 'unknown client',
        Extra: '',
        'Extra (2)': '',
        'column 8': '',
      },
    });
    expect(Object.keys(res.body.items[3].values)).toEqual([
      'Client Code',
      'SERVICE_CODE',
      'Qty',
      'Price',
      'Notes',
      'Extra',
      'Extra (2)',
      'column 8',
    ]);
    expect(res.body.items[3]).toMatchObject({ message: expect.stringContaining('"abc"') });
  });

  it('filters by outcome and by reason', async () => {
    const skipped = await rows('?outcome=Skipped').expect(200);
    expect(skipped.body.total).toBe(4);
    expect(skipped.body.items.map((r: any) => r.rowNumber)).toEqual([2, 3, 4, 7]);
    const errors = await rows('?outcome=Error').expect(200);
    expect(errors.body.items.map((r: any) => r.rowNumber)).toEqual([5, 6, 8]);
    const notFound = await rows('?reason=CLIENT_NOT_FOUND').expect(200);
    expect(notFound.body.items.map((r: any) => r.rowNumber)).toEqual([2, 7]);
    const none = await rows('?outcome=Error&reason=CLIENT_NOT_FOUND').expect(200);
    expect(none.body).toEqual({ items: [], total: 0, page: 1, limit: 100, nextAfter: null });
  });

  it('pages through the rows', async () => {
    const page2 = await rows('?limit=3&page=2').expect(200);
    expect(page2.body).toMatchObject({ total: 7, page: 2, limit: 3, nextAfter: 7 });
    expect(page2.body.items.map((r: any) => r.rowNumber)).toEqual([5, 6, 7]);
    const page3 = await rows('?limit=3&page=3').expect(200);
    expect(page3.body.items.map((r: any) => r.rowNumber)).toEqual([8]);
    expect(page3.body.nextAfter).toBeNull();
    // Keyset paging: after a rowNumber, with or without a filter.
    const after = await rows('?limit=2&after=4').expect(200);
    expect(after.body).toMatchObject({ total: 7, nextAfter: 6 });
    expect(after.body.items.map((r: any) => r.rowNumber)).toEqual([5, 6]);
    const skippedAfter = await rows('?outcome=Skipped&after=3&limit=5').expect(200);
    expect(skippedAfter.body.items.map((r: any) => r.rowNumber)).toEqual([4, 7]);
    expect(skippedAfter.body.nextAfter).toBeNull();
    const beyond = await rows('?limit=3&page=9').expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 7 });
    await rows('?limit=500').expect(200);
  });

  it.each([
    ['?outcome=Bad', /outcome must be Skipped or Error/],
    ['?outcome=skipped', /outcome/],
    ['?reason=NOPE', /reason must be one of CLIENT_NOT_FOUND/],
    ['?limit=501', /limit/],
    ['?limit=0', /limit/],
    ['?page=0', /page/],
    ['?page=1.5', /page/],
    ['?other=1', /other/],
    ['?after=-1', /after/],
    ['?after=x', /after/],
    ['?after=2&page=2', /either page or after/],
  ])('answers 400 to %s', async (query, message) => {
    const res = await rows(query).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('reads the job once and signs no report link for a page of rows (owner, 404 kept)', async () => {
    const storage = t.app.get(StorageService);
    const signed = jest.spyOn(storage, 'signedDownloadUrl');
    try {
      // The job has a report (7 rows not imported), so a page that went through GET /{code} would sign its link.
      for (const query of ['', '?outcome=Error', '?page=2&limit=3', '?after=4'])
        await rows(query).expect(200);
      await rows('', KEY_B).expect(404);
      expect(signed).not.toHaveBeenCalled();
    } finally {
      signed.mockRestore();
    }
  });

  it('answers 404 for an unknown code, and for another API key’s import', async () => {
    const res = await rows('', KEY_A, 'no-such-code').expect(404);
    expect(res.body.message).toBe('No import with code "no-such-code".');
    await rows('', KEY_B).expect(404);
    await request(t.app.getHttpServer()).get(`/api/service-imports/${code}/rows`).expect(401);
  });

  it('documents the endpoint in the OpenAPI document', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const op = doc.paths['/api/service-imports/{code}/rows'].get;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    const params = op.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(['code', 'outcome', 'reason', 'page', 'limit', 'after']));
    expect(doc.components.schemas.ServiceImportRowPageDto.required).toContain('nextAfter');
    expect(doc.components.schemas.ImportRowReason.enum).toHaveLength(18); // 16 for imports (2 of workbooks), 2 for reverts
    expect(doc.components.schemas.ServiceImportRowDto.properties.values.additionalProperties).toEqual({
      type: 'string',
    });
    const events = doc.paths['/api/service-imports/{code}/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(events.responses['404']).toBeDefined();
  });
});

describe('per-row results while an import has not finished (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' }); // no worker: the import stays Queued
  });
  afterAll(() => t.close());

  it('answers with the rows known so far (none yet)', async () => {
    const res = await upload(t.app, 'clientCode,serviceCode\nX,Y\n', 'queued.csv').expect(202);
    const page = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${res.body.code}/rows`)
      .expect(200);
    expect(page.body).toEqual({ items: [], total: 0, page: 1, limit: 100, nextAfter: null });
  });
});

describe('per-row results of wide and long rows: pages bounded by size (e2e)', () => {
  let t: TestApp;
  let code: string;
  const ROWS = 120;
  const WIDTH = 100; // IMPORT_MAX_COLUMNS
  // Every row is skipped (unknown client) and carries 12 long values: about 36 KB a row, 4.3 MB in all.
  const header = ['clientCode', 'serviceCode', ...Array.from({ length: WIDTH - 2 }, (_, i) => `col${i}`)];
  const line = (i: number) =>
    [`NOPE${i}`, 'S1', ...Array.from({ length: 12 }, (_, c) => `${i}:${c}:`.padEnd(3000, 'v'))].join(',');

  beforeAll(async () => {
    t = await createTestApp();
    const csv = [header.join(','), ...Array.from({ length: ROWS }, (_, i) => line(i + 1))].join('\n');
    const res = await upload(t.app, csv, 'wide-long.csv').expect(202);
    code = res.body.code;
    for (let i = 0; ; i++) {
      const job = await request(t.app.getHttpServer()).get(`/api/service-imports/${code}`).expect(200);
      if (job.body.status === 'Completed') break;
      if (i > 600 || job.body.status === 'Failed') throw new Error(`import ended ${job.body.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => t.close());

  it('cuts a page at about 1 MB, and nextAfter walks every row once, in order', async () => {
    const seen: number[] = [];
    let after: number | null = 0;
    let pages = 0;
    while (after !== null) {
      const res: request.Response = await request(t.app.getHttpServer())
        .get(`/api/service-imports/${code}/rows?limit=500&after=${after}`)
        .expect(200);
      pages++;
      expect(Buffer.byteLength(res.text)).toBeLessThan(1.3 * 1024 * 1024);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.total).toBe(ROWS);
      for (const item of res.body.items) {
        expect(Object.keys(item.values)).toHaveLength(WIDTH);
        expect(item.values.col0).toBe(`${item.rowNumber}:0:`.padEnd(3000, 'v'));
        seen.push(item.rowNumber);
      }
      after = res.body.nextAfter;
    }
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('page paging is bounded the same way, and says where the cut page stops', async () => {
    const res = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${code}/rows?limit=500`)
      .expect(200);
    expect(Buffer.byteLength(res.text)).toBeLessThan(1.3 * 1024 * 1024);
    expect(res.body.items.length).toBeLessThan(ROWS);
    expect(res.body.nextAfter).toBe(res.body.items[res.body.items.length - 1].rowNumber);
  });
});
