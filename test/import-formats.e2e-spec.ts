// Every format rule of the CSV contract, end to end: each fixture in test/fixtures/csv (see its
// README) is uploaded through HTTP and imported by the real worker into PostgreSQL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchReport, parseReport, seedCatalog, upload, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'csv', name));

describe('CSV formats (e2e, fixtures)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedCatalog(
      t.dataSource,
      ['C000001', 'C000002', 'C000003', 'C000004', 'C000005'],
      ['S0001', 'S0002', 'S0003', 'S0004', 'S0005'].map((s): [string, string] => [s, '10.00']),
    );
  });
  afterAll(() => t.close());
  afterEach(() => t.dataSource.query(`DELETE FROM client_billable_services`));

  async function records(): Promise<Record<string, string | number | null>[]> {
    return t.dataSource.query(
      `SELECT c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price,
              a.start_date::text AS start, a.end_date::text AS "end", a.notes
         FROM client_billable_services a
         JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
        ORDER BY c.code, s.code`,
    );
  }

  it.each([
    ['crlf.csv', 2],
    ['cr-line-ends.csv', 2],
    ['tab.tsv', 2],
    ['blank-rows.csv', 2],
  ])('%s imports %i rows', async (name, rows) => {
    const job = await uploadAndWait(t.app, fixture(name), name);
    expect(job).toMatchObject({ status: 'Completed', totalItems: rows, createdCount: rows, errorCount: 0 });
  });

  it('reads UTF-8 with a BOM without the BOM in the first column name', async () => {
    const job = await uploadAndWait(t.app, fixture('bom-utf8.csv'), 'bom-utf8.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1 });
    expect((await records())[0].notes).toBe('Crème');
  });

  it.each(['utf16le-bom.csv', 'utf16be-bom.csv'])('decodes %s', async (name) => {
    const job = await uploadAndWait(t.app, fixture(name), name);
    expect(job).toMatchObject({ status: 'Completed', createdCount: 2 });
    expect((await records()).map((r) => r.notes)).toEqual(['Café ☕', 'Ünïcödé, 𝄞']);
  });

  it('reads a file that is not valid UTF-8 as Windows-1252, replacing nothing', async () => {
    const job = await uploadAndWait(t.app, fixture('windows-1252.csv'), 'windows-1252.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 2 });
    expect((await records()).map((r) => r.notes)).toEqual(['Café', 'Crème brûlée – 10 €']);
  });

  it('accepts a decimal comma in a semicolon file', async () => {
    const job = await uploadAndWait(t.app, fixture('semicolon-comma-decimal.csv'), 'semicolon.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 3 });
    const rows = await records();
    expect(rows.map((r) => r.price)).toEqual(['12.50', '0.50', '1234.56']);
    expect(rows[0]).toMatchObject({
      quantity: 2,
      start: '2026-01-01',
      end: '2026-12-31',
      notes: 'Réunion mensuelle',
    });
    expect(rows[1].notes).toBe('Note; with a semicolon');
  });

  it('keeps line breaks and doubled quotes inside quoted values', async () => {
    const job = await uploadAndWait(t.app, fixture('quoted-line-breaks.csv'), 'quoted.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 3 });
    const notes = (await records()).map((r) => r.notes as string);
    expect(notes[0]).toBe('First line\nsecond line');
    expect(notes[1]).toMatch(/^Windows line\r?\nbreak inside$/);
    expect(notes[2]).toBe('He said "hello, there", then left');
  });

  it('keeps backslashes, tabs and line breaks in the values and messages of rows not imported', async () => {
    const awkward = 'back\\slash, \\N, tab\there, "quoted"\r\nline 2 é😀';
    const quoted = `"${awkward.replace(/"/g, '""')}"`;
    const file = [
      'clientCode,serviceCode,quantity,notes',
      `C000001,S0001,1,${quoted}`, // 1 created
      `C000001,S0001,2,${quoted}`, // 2 Skipped ALREADY_ASSIGNED
      `"NO\\CLIENT\t1",S0001,1,${quoted}`, // 3 Skipped CLIENT_NOT_FOUND, the code as written
      `C000002,S0001,${quoted},x`, // 4 Error INVALID_QUANTITY
    ].join('\n');
    const job = await uploadAndWait(t.app, file, 'awkward.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1, skippedCount: 2, errorCount: 1 });
    expect((await records())[0].notes).toBe(awkward);
    const rows = await t.dataSource.query(
      `SELECT r.row_number, r.outcome, r.reason, r.message, r."values"
         FROM service_import_rows r JOIN service_import_jobs j ON j.id = r.job_id
        WHERE j.code = $1 ORDER BY r.row_number`,
      [job.code],
    );
    expect(rows).toEqual([
      {
        row_number: 2,
        outcome: 'Skipped',
        reason: 'ALREADY_ASSIGNED',
        message: 'Client "C000001" already has service "S0001".',
        values: ['C000001', 'S0001', '2', awkward],
      },
      {
        row_number: 3,
        outcome: 'Skipped',
        reason: 'CLIENT_NOT_FOUND',
        message: 'No client with code "NO\\CLIENT\t1".',
        values: ['NO\\CLIENT\t1', 'S0001', '1', awkward],
      },
      {
        row_number: 4,
        outcome: 'Error',
        reason: 'INVALID_QUANTITY',
        message: expect.stringContaining(awkward),
        values: ['C000002', 'S0001', awkward, 'x'],
      },
    ]);
  });

  it('reads short rows with empty fields and reports a row with an extra value as MALFORMED_ROW', async () => {
    const job = await uploadAndWait(t.app, fixture('ragged-rows.csv'), 'ragged.csv');
    expect(job).toMatchObject({ status: 'Completed', totalItems: 4, createdCount: 3, errorCount: 1 });
    const report = parseReport((await fetchReport(job.notImportedDownloadUrl!)).text);
    expect(report[1][0]).toBe('4');
    expect(report[1]).toContain('MALFORMED_ROW');
  });

  it('matches header names and aliases case- and separator-insensitively', async () => {
    const job = await uploadAndWait(t.app, fixture('header-aliases.csv'), 'aliases.csv');
    expect(job).toMatchObject({ status: 'Completed', createdCount: 1 });
    expect((await records())[0]).toMatchObject({
      quantity: 2,
      price: '9.99',
      start: '2026-01-01',
      end: '2026-06-30',
      notes: 'aliased header',
    });
  });

  it('completes a header-only file with totalItems 0', async () => {
    const job = await uploadAndWait(t.app, fixture('header-only.csv'), 'header-only.csv');
    expect(job).toMatchObject({ status: 'Completed', totalItems: 0, processedItems: 0 });
  });

  it('imports the mixed fixture with every outcome, keeping the extra poNumber column in the report', async () => {
    const job = await uploadAndWait(t.app, fixture('mixed.csv'), 'mixed.csv');
    expect(job).toMatchObject({ totalItems: 15, createdCount: 3, skippedCount: 3, errorCount: 9 });
    const report = parseReport((await fetchReport(job.notImportedDownloadUrl!)).text);
    const header = report[0];
    expect(header).toContain('poNumber');
    const po = header.indexOf('poNumber');
    const reason = header.indexOf('reason');
    expect(report.slice(1).map((r) => [r[0], r[reason], r[po]])).toEqual([
      ['3', 'CLIENT_NOT_FOUND', 'PO-3'],
      ['4', 'SERVICE_NOT_FOUND', 'PO-4'],
      ['5', 'ALREADY_ASSIGNED', 'PO-5'],
      ['6', 'MISSING_CLIENT_CODE', 'PO-6'],
      ['7', 'MISSING_SERVICE_CODE', 'PO-7'],
      ['8', 'INVALID_QUANTITY', 'PO-8'],
      ['9', 'INVALID_UNIT_PRICE', 'PO-9'],
      ['10', 'INVALID_DATE', 'PO-10'],
      ['11', 'INVALID_DATE_RANGE', 'PO-11'],
      ['12', 'NOTES_TOO_LONG', 'PO-12'],
      ['13', 'MALFORMED_ROW', 'PO-13'],
      ['14', 'INVALID_QUANTITY', 'PO-14'],
    ]);
  });

  it('escapes every cell a spreadsheet could run, header included', async () => {
    const job = await uploadAndWait(t.app, fixture('formula-injection.csv'), 'formulas.csv');
    expect(job).toMatchObject({ createdCount: 0, skippedCount: 2, errorCount: 1 });
    const report = parseReport((await fetchReport(job.notImportedDownloadUrl!)).text);
    expect(report[0]).toContain("'@extra");
    const cells = report.slice(1).flat();
    expect(cells).toEqual(
      expect.arrayContaining([
        `'=HYPERLINK("http://example.invalid","click")`,
        "'+cmd",
        "'-5",
        "'@SUM(1+1)",
        "'-2+3",
        "'=1+1",
      ]),
    );
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it.each([
    ['unterminated-quote.csv', /quote/i],
    ['malformed-quote.csv', /quote/i],
    ['oversized-field.csv', /longer than/i],
  ])('fails %s with a reason naming row 2', async (name, pattern) => {
    const job = await uploadAndWait(t.app, fixture(name), name);
    expect(job.status).toBe('Failed');
    expect(job.failureReason).toMatch(pattern);
    expect(job.failureReason).toMatch(/row 2\b/i);
  });

  it.each([
    ['empty.csv', 400, /empty/i],
    ['whitespace-only.csv', 400, /empty/i],
    ['missing-column.csv', 400, /serviceCode/],
    ['duplicate-columns.csv', 400, /Client Code/],
    ['binary.xlsx', 415, /Excel/],
    ['pdf.csv', 415, /PDF/],
    ['nul-bytes.csv', 415, /NUL/],
  ])('refuses %s with %i', async (name, status, pattern) => {
    const res = await upload(t.app, fixture(name), name);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status });
    expect(res.body.message).toMatch(pattern);
  });
});
