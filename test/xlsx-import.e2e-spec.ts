// .xlsx uploads end to end: detected by content, read on the parse thread into the same rows as a
// CSV (so the same counters, reasons and report), cells as a user means them, ?sheet=, and the
// 400s (unknown sheet, missing column naming the sheet). The 413 and 415s: xlsx-refusals.e2e-spec.ts.
import request from 'supertest';
import {
  fetchReport,
  parseReport,
  seedCatalog,
  upload,
  uploadAndWait,
  type JobBody,
} from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { type Cell, workbook } from './support/workbooks';

const HEADER = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];

/** One data set, as CSV text and as typed workbook cells. */
const DATA: Cell[][] = [
  ['C000001', 'S0001', 2, 12.5, '2026-01-01', '2026-12-31', 'first'],
  ['C000002', 'S0001', null, null, null, null, 'codes only'],
  ['C999999', 'S0001', 1, null, null, null, 'unknown client'],
  ['C000003', 'S9999', 1, null, null, null, 'unknown service'],
  ['C000003', 'S0002', 0, null, null, null, 'bad quantity'],
  ['C000004', 'S0002', 1, '12.505', null, null, 'bad price'],
  ['C000004', 'S0003', 1, null, '2026-02-30', null, 'bad date'],
  ['', 'S0003', 1, null, null, null, 'no client'],
  ['C000001', 'S0001', 3, null, null, null, 'already assigned'],
];

function csvOf(rows: Cell[][]): string {
  const cell = (v: Cell) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

describe('xlsx uploads (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      IMPORT_MAX_ROWS: '20',
      IMPORT_MAX_FIELD_CHARS: '2000',
      IMPORT_MAX_COLUMNS: '10',
    });
    await seedCatalog(
      t.dataSource,
      ['C000001', 'C000002', 'C000003', 'C000004', 'C000005'],
      [
        ['S0001', '10.00'],
        ['S0002', '20.00'],
        ['S0003', '30.00'],
      ],
    );
  });
  afterAll(() => t.close());
  afterEach(() => t.dataSource.query(`DELETE FROM client_billable_services`));

  async function assignments(): Promise<Record<string, unknown>[]> {
    return t.dataSource.query(
      `SELECT c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price,
              a.start_date::text AS start, a.end_date::text AS "end", a.notes
         FROM client_billable_services a
         JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
        ORDER BY c.code, s.code`,
    );
  }

  const counters = (job: JobBody) => ({
    status: job.status,
    totalItems: job.totalItems,
    createdCount: job.createdCount,
    skippedCount: job.skippedCount,
    errorCount: job.errorCount,
    updatedCount: job.updatedCount,
    unchangedCount: job.unchangedCount,
  });

  async function report(job: JobBody): Promise<string[][]> {
    return parseReport((await fetchReport(job.notImportedDownloadUrl as string)).text);
  }

  it('imports a workbook exactly as the CSV of the same data: counters, reasons, report, rows', async () => {
    const fromCsv = await uploadAndWait(t.app, csvOf(DATA), 'data.csv');
    const csvRows = await assignments();
    const csvReport = await report(fromCsv);
    await t.dataSource.query(`DELETE FROM client_billable_services`);

    // Typed cells: numbers as numbers, dates as date cells (the CSV has their text).
    const typed = DATA.map((row) =>
      row.map((v, i) =>
        typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && i >= 4 && v !== '2026-02-30'
          ? new Date(`${v}T00:00:00Z`)
          : v,
      ),
    );
    const fromXlsx = await uploadAndWait(
      t.app,
      await workbook({ Assignments: [HEADER, ...typed] }),
      'data.bin',
    );
    expect(counters(fromXlsx)).toEqual(counters(fromCsv));
    expect(fromXlsx).toMatchObject({
      status: 'Completed',
      totalItems: 9,
      createdCount: 2,
      skippedCount: 3,
      errorCount: 4,
    });
    expect(await assignments()).toEqual(csvRows);
    expect(await report(fromXlsx)).toEqual(csvReport);
    expect(csvReport.map((r) => r[0] + ':' + r[r.length - 2])).toEqual([
      'rowNumber:reason',
      '3:CLIENT_NOT_FOUND',
      '4:SERVICE_NOT_FOUND',
      '5:INVALID_QUANTITY',
      '6:INVALID_UNIT_PRICE',
      '7:INVALID_DATE',
      '8:MISSING_CLIENT_CODE',
      '9:ALREADY_ASSIGNED',
    ]);
  });

  it('reads cells as a user means them: dates, decimals, formulas, rich text, hyperlinks, empty rows', async () => {
    const bytes = await workbook(
      {
        Sheet1: [
          [],
          [' Client Code ', 'service_code', 'qty', 'price', 'Start Date', 'End Date', 'Notes'],
          [
            'C000001',
            'S0001',
            2,
            { formula: '25/2', result: 12.5 },
            new Date(Date.UTC(2026, 0, 31)),
            46387,
            { richText: [{ text: 'rich ' }, { font: { bold: true }, text: 'text é' }] },
          ],
          [null, null, null, null, null, null, null],
          [
            'C000002',
            'S0001',
            { formula: '1+2', result: 3 },
            0.1 + 0.2,
            null,
            null,
            { text: 'a link', hyperlink: 'https://example.com' },
          ],
          ['C000003', 'S0001', 1, 12.499999999999998, null, null, true],
          ['C000004', 'S0001', 1, { formula: 'A1*2' }, null, null, 'no cached value'],
          ['C000005', 'S0001', 1, null, null, null, { error: '#N/A' }],
          ['C000005', 'S0002', 1, null, null, null, { formula: 'NA()', result: { error: '#N/A' } }],
        ],
      },
      { formats: { F3: 'dd/mm/yyyy' } },
    );
    const job = await uploadAndWait(t.app, bytes, 'cells.xlsx');
    // The empty rows are not rows: 5 data rows, numbered as the sheet's data rows (the header is row 2).
    expect(job).toMatchObject({ status: 'Completed', totalItems: 6, createdCount: 3, errorCount: 3 });
    expect(await assignments()).toEqual([
      {
        client: 'C000001',
        service: 'S0001',
        quantity: 2,
        price: '12.50',
        start: '2026-01-31',
        end: '2026-12-31',
        notes: 'rich text é',
      },
      // 0.1+0.2 (stored 0.30000000000000004) reads 0.3, as a spreadsheet shows it
      {
        client: 'C000002',
        service: 'S0001',
        quantity: 3,
        price: '0.30',
        start: null,
        end: null,
        notes: 'a link',
      },
      // 12.499999999999998 reads 12.5, not 12.499999
      {
        client: 'C000003',
        service: 'S0001',
        quantity: 1,
        price: '12.50',
        start: null,
        end: null,
        notes: 'TRUE',
      },
    ]);
    const lines = await report(job);
    expect(lines.slice(1).map((r) => [r[0], r[r.length - 2]])).toEqual([
      ['4', 'FORMULA_WITHOUT_VALUE'],
      ['5', 'CELL_ERROR_VALUE'],
      ['6', 'FORMULA_WITHOUT_VALUE'],
    ]);
    // The report shows what the cells held.
    expect(lines[1].slice(1, 8)).toEqual(['C000004', 'S0001', '1', "'=A1*2", '', '', 'no cached value']);
    expect(lines[2][7]).toBe('#N/A');
    expect(lines[1][10]).toMatch(/^Cell D7 holds the formula =A1\*2 but no calculated value/);
    expect(lines[2][10]).toMatch(/^Cell G8 holds the error value #N\/A/);
  });

  it('picks a sheet with ?sheet= and names the sheet in a 400', async () => {
    const bytes = await workbook({
      Notes: [['just', 'text']],
      Prices: [HEADER, ['C000001', 'S0002', 1, 20, null, null, null]],
    });
    const missing = await upload(t.app, bytes, 'two.xlsx').expect(400);
    expect(missing.body.message).toMatch(
      /^Sheet "Notes": Missing required column\(s\): clientCode, serviceCode/,
    );
    const unknown = await upload(t.app, bytes, 'two.xlsx', '?sheet=Nope').expect(400);
    expect(unknown.body.message).toBe(
      'The workbook has no sheet named "Nope"; its sheets are "Notes", "Prices". Pass one of them as ?sheet=, or leave it out for the first sheet.',
    );
    const job = await uploadAndWait(t.app, bytes, 'two.xlsx', '?sheet=prices');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1, totalItems: 1 });
    const csv = await upload(t.app, csvOf([]), 'x.csv', '?sheet=Prices').expect(400);
    expect(csv.body.message).toMatch(/this file is CSV/);
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM service_import_jobs WHERE header[1] = 'just'`),
    ).toEqual([{ n: 0 }]);
  });

  it('applies the CSV limits: rows, value length (naming the sheet row), columns (naming the sheet)', async () => {
    const row = (i: number): Cell[] => [`C00000${1 + (i % 5)}`, 'S0001', 1, null, null, null, `n${i}`];
    const many = await workbook({ Big: [HEADER, ...Array.from({ length: 21 }, (_, i) => row(i))] });
    const tooMany = await uploadAndWait(t.app, many, 'many.xlsx');
    expect(tooMany).toMatchObject({ status: 'Failed', createdCount: 0 });
    expect(tooMany.failureReason).toMatch(/^The file has 21 data rows; the limit is 20 \(IMPORT_MAX_ROWS\)/);

    const long = await workbook({
      Long: [HEADER, row(0), [], row(1), ['C000003', 'S0001', 1, null, null, null, 'x'.repeat(2001)]],
    });
    const tooLong = await uploadAndWait(t.app, long, 'long.xlsx');
    expect(tooLong).toMatchObject({ status: 'Failed', createdCount: 0 });
    expect(tooLong.failureReason).toMatch(
      /^Row 3 \(row 5 of sheet "Long"\) has a value longer than 2000 characters/,
    );

    const wide = await workbook({ Wide: [[...HEADER, 'a', 'b', 'c', 'd']] });
    const tooWide = await upload(t.app, wide, 'wide.xlsx').expect(400);
    expect(tooWide.body.message).toMatch(
      /^Sheet "Wide": The header row has 11 columns; the limit is 10 \(IMPORT_MAX_COLUMNS\)/,
    );
  });

  it('serves template.xlsx, which imports back as the CSV template does', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/service-imports/template.xlsx')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml\.sheet/);
    expect(res.headers['content-disposition']).toContain('service-import-template.xlsx');
    const fromXlsx = await uploadAndWait(t.app, res.body as Buffer, 'template.xlsx');
    const xlsxRows = await assignments();
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    const csv = await request(t.app.getHttpServer()).get('/api/service-imports/template').expect(200);
    const fromCsv = await uploadAndWait(t.app, csv.text, 'template.csv');
    expect(counters(fromXlsx)).toEqual(counters(fromCsv));
    expect(fromXlsx).toMatchObject({ status: 'Completed', createdCount: 2, errorCount: 0 });
    expect(xlsxRows).toEqual(await assignments());
    expect(xlsxRows[1]).toMatchObject({
      quantity: 3,
      price: '12.50',
      start: '2026-01-01',
      end: '2026-12-31',
    });
  });
});
