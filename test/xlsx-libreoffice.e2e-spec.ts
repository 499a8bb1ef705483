// The round trip through a real spreadsheet program: the export (CSV) opened by LibreOffice Calc and
// saved as .xlsx (`soffice --headless --convert-to xlsx`, Debian's libreoffice-calc-nogui, installed
// by scripts/ensure-test-tools.sh) imports back with mode=upsert as every row Unchanged; prices edited
// in that workbook import as exactly those rows Updated.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ExcelJS from 'exceljs';
import request from 'supertest';
import { readAssignments, seedAssignments } from './support/assignments';
import type { StoredAssignment } from './support/assignment-model';
import { seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));

const CLIENTS = ['C000001', 'C000002', 'ACME-01', 'acme.eu'];
const SERVICES: [string, string][] = [
  ['S0001', '10.00'],
  ['S0002', '2.50'],
  ['BACKUP_50', '0.00'],
  ['M365-E3', '33.90'],
];
const NOTES = [
  null,
  'Billed monthly, on site',
  'a, "quoted" value',
  'two\nlines',
  'Müller – 10 € 😀',
  '=SUM(A1)',
  '#CLEAR',
  '-5',
];
const PRICES = ['0.00', '0.01', '12.50', '100.00', '9999999999.99', '33.90', '1234.56'];
const DATES: [string | null, string | null][] = [
  [null, null],
  ['2026-01-01', null],
  [null, '2026-12-31'],
  ['2024-02-29', '2024-02-29'],
  ['1900-03-01', '9999-12-31'],
];

function seedList(): StoredAssignment[] {
  const pairs = CLIENTS.flatMap((c) => SERVICES.map(([s]) => [c, s] as const));
  return pairs.map(([client, service], i) => ({
    client,
    service,
    quantity: [1, 3, 2147483647][i % 3],
    unitPrice: PRICES[i % PRICES.length],
    startDate: DATES[i % DATES.length][0],
    endDate: DATES[i % DATES.length][1],
    notes: NOTES[i % NOTES.length],
    importCode: null,
    id: null,
  }));
}

describe('LibreOffice round trip (e2e)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    if (!SOFFICE) {
      throw new Error(
        'LibreOffice (soffice) is not installed: run `bash scripts/ensure-test-tools.sh` ' +
          '(apt-get install libreoffice-calc-nogui; .ci/run does this).',
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'si-libreoffice-'));
    t = await createTestApp({ IMPORT_BATCH_SIZE: '5' });
    await seedCatalog(t.dataSource, CLIENTS, SERVICES);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The export opened in Calc (comma, ", UTF-8) and saved as .xlsx, with a private profile. */
  async function exportedWorkbook(): Promise<Buffer> {
    const res = await request(t.app.getHttpServer())
      .get('/api/client-billable-services/export')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    await writeFile(join(dir, 'export.csv'), res.body as Buffer);
    await promisify(execFile)(
      SOFFICE as string,
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        '--infilter=CSV:44,34,76,1',
        '--convert-to',
        'xlsx',
        '--outdir',
        dir,
        join(dir, 'export.csv'),
      ],
      { timeout: 120_000 },
    );
    return readFile(join(dir, 'export.xlsx'));
  }

  it('imports the export saved by LibreOffice as every row Unchanged, and edited prices as exactly those Updated', async () => {
    const seeded = await seedAssignments(t.dataSource, seedList());
    const bytes = await exportedWorkbook();
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');

    const unchanged = await uploadAndWait(t.app, bytes, 'export.xlsx', '?mode=upsert');
    expect(unchanged).toMatchObject({
      status: 'Completed',
      totalItems: seeded.length,
      unchangedCount: seeded.length,
      updatedCount: 0,
      createdCount: 0,
      skippedCount: 0,
      errorCount: 0,
    });
    expect(await readAssignments(t.dataSource)).toEqual(seeded);

    // Reprice three rows in the workbook Calc wrote, as a user would (numbers in the price cells).
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const priceColumn = (sheet.getRow(1).values as unknown[]).indexOf('unitPrice');
    const edits = new Map<number, number>([
      [2, 19.99],
      [5, 0.5],
      [11, 1234.5],
    ]);
    const expected = seeded.map((a) => ({ ...a }));
    for (const [rowNumber, price] of edits) {
      const row = sheet.getRow(rowNumber + 1); // data row n is sheet row n + 1
      row.getCell(priceColumn).value = price;
      const pair = expected.find(
        (a) => a.client === row.getCell(1).text && a.service === row.getCell(2).text,
      ) as StoredAssignment;
      pair.unitPrice = price.toFixed(2);
    }
    const edited = Buffer.from(await book.xlsx.writeBuffer());

    const updated = await uploadAndWait(t.app, edited, 'edited.xlsx', '?mode=upsert');
    expect(updated).toMatchObject({
      status: 'Completed',
      updatedCount: edits.size,
      unchangedCount: seeded.length - edits.size,
      createdCount: 0,
      errorCount: 0,
    });
    const after = await readAssignments(t.dataSource);
    expect(after.map(({ importCode: _i, ...a }) => a)).toEqual(expected.map(({ importCode: _i, ...a }) => a));
    const changes = await request(t.app.getHttpServer())
      .get(`/api/service-imports/${updated.code}/changes`)
      .expect(200);
    expect(changes.body.items.map((c: { rowNumber: number }) => c.rowNumber)).toEqual([...edits.keys()]);
  }, 300_000);
});
