// GET /api/client-billable-services/export: the assignments out, in the import format, and back in
// unchanged. The file is imported as a user would (upload, mode=upsert), and the table compared whole.
import request from 'supertest';
import { quoteCell } from '../src/csv/csv-writer';
import { readAssignments, seedAssignments } from './support/assignments';
import type { StoredAssignment } from './support/assignment-model';
import { parseReport, seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

const HEADER = 'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes';

const NOTES: (string | null)[] = [
  null,
  '=SUM(A1)',
  '=HYPERLINK("http://example.invalid","click")',
  '+cmd',
  '-5',
  '@SUM(1+1)',
  '\u200B=hidden',
  '\uFF1Dfull-width',
  "'=already marked",
  "''=twice",
  "'plain apostrophe",
  "'",
  '#CLEAR',
  '#clear',
  "'#CLEAR",
  'a, "quoted" value',
  'two\nlines',
  'crlf\r\ninside',
  'tab\there',
  'back\\slash and \\N',
  'Müller – 10 € 😀',
  'x'.repeat(1000),
];

function assignment(
  client: string,
  service: string,
  values: Partial<StoredAssignment> = {},
): StoredAssignment {
  return {
    client,
    service,
    quantity: 1,
    unitPrice: '1.00',
    startDate: null,
    endDate: null,
    notes: null,
    importCode: null,
    id: null,
    ...values,
  };
}

const CLIENTS = ['C1', 'c2-Mixed', '-neg', 'C.dot'];
const SERVICES: [string, string][] = [
  ['S1', '1.00'],
  ['S2', '2.50'],
  ['s3', '0.00'],
  ['=S4', '3.00'],
  ['S5', '5.00'],
  ['S6', '6.00'],
];

/** Every note on some pair, with prices and dates of every shape beside them. */
function seedList(): StoredAssignment[] {
  const prices = ['0.00', '0.01', '12.50', '100.00', '9999999999.99'];
  const dates: [string | null, string | null][] = [
    [null, null],
    ['2026-01-01', null],
    [null, '2026-12-31'],
    ['2024-02-29', '2024-02-29'],
    ['0001-01-01', '9999-12-31'],
  ];
  const pairs = CLIENTS.flatMap((c) => SERVICES.map(([s]) => [c, s] as const));
  return pairs.map(([client, service], i) =>
    assignment(client, service, {
      quantity: [1, 3, 2147483647][i % 3],
      unitPrice: prices[i % prices.length],
      startDate: dates[i % dates.length][0],
      endDate: dates[i % dates.length][1],
      notes: NOTES[i % NOTES.length],
    }),
  );
}

describe('assignment export (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BATCH_SIZE: '7' });
    await seedCatalog(t.dataSource, CLIENTS, SERVICES);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function exportFile(
    query = '',
  ): Promise<{ text: string; total: number; headers: Record<string, string> }> {
    const res = await http()
      .get(`/api/client-billable-services/export${query}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    return {
      text: (res.body as Buffer).toString('utf8'),
      total: Number(res.headers['x-total-count']),
      headers: res.headers,
    };
  }

  it('exports every assignment, and importing the file with mode=upsert finds every row Unchanged', async () => {
    const seeded = await seedAssignments(t.dataSource, seedList());
    expect(seeded).toHaveLength(CLIENTS.length * SERVICES.length);

    const { text, total, headers } = await exportFile();
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toBe('attachment; filename="client-billable-services.csv"');
    expect(total).toBe(seeded.length);
    expect(text.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    const rows = parseReport(text);
    expect(rows).toHaveLength(seeded.length + 1);
    // Formula-safe: no cell starts like a formula (the notes that do are marked).
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(rows.map((row) => row[0]).filter((code) => code.includes('neg'))).toEqual(
      Array(SERVICES.length).fill("'-neg"),
    );

    const job = await uploadAndWait(t.app, text, 'export.csv', '?mode=upsert');
    expect(job).toMatchObject({
      status: 'Completed',
      totalItems: seeded.length,
      unchangedCount: seeded.length,
      createdCount: 0,
      updatedCount: 0,
      skippedCount: 0,
      errorCount: 0,
    });
    expect(await readAssignments(t.dataSource)).toEqual(seeded);
  });

  it('imports an edited export as exactly the edits: those rows Updated, nothing else changed', async () => {
    const seeded = await seedAssignments(t.dataSource, seedList());
    const { text } = await exportFile();
    const [header, ...rows] = parseReport(text);
    expect(header.join(',')).toBe(HEADER);
    const edited = new Map<string, string>();
    rows.forEach((row, i) => {
      if (i % 5 !== 2) return;
      row[3] = row[3] === '42.00' ? '43.00' : '42.00';
      edited.set(`${row[0].replace(/^'/, '')}/${row[1].replace(/^'/, '')}`, row[3]);
    });
    // The cells as the export wrote them (marks included), quoted again as needed.
    const file = [header, ...rows].map((row) => row.map(quoteCell).join(',') + '\r\n').join('');

    const job = await uploadAndWait(t.app, `\uFEFF${file}`, 'edited.csv', '?mode=upsert');
    expect(job).toMatchObject({
      status: 'Completed',
      updatedCount: edited.size,
      unchangedCount: seeded.length - edited.size,
      createdCount: 0,
      skippedCount: 0,
      errorCount: 0,
    });
    const after = await readAssignments(t.dataSource);
    const expected = seeded.map((a) => {
      const price = edited.get(`${a.client}/${a.service}`);
      return price === undefined ? a : { ...a, unitPrice: price, importCode: job.code };
    });
    expect(after).toEqual(expected);
  });

  it('filters by client and service codes, repeatable and case-insensitive', async () => {
    const seeded = await seedAssignments(t.dataSource, seedList());
    // In the export's order: by client code, then service code, compared case-insensitively.
    const key = (a: StoredAssignment) => `${a.client.toLowerCase()}\u0000${a.service.toLowerCase()}`;
    const pick = (clients: string[], services: string[] | null) =>
      seeded
        .filter((a) => clients.includes(a.client) && (!services || services.includes(a.service)))
        .sort((a, b) => (key(a) < key(b) ? -1 : 1));

    const one = await exportFile('?client=c1');
    expect(one.total).toBe(pick(['C1'], null).length);
    expect(
      parseReport(one.text)
        .slice(1)
        .map((row) => `${row[0]}/${row[1]}`),
    ).toEqual(pick(['C1'], null).map((a) => `${a.client}/${a.service.replace(/^=/, "'=")}`));

    const two = await exportFile('?client=C1&client=C2-MIXED&service=S2&service=S3');
    const wanted = pick(['C1', 'c2-Mixed'], ['S2', 's3']);
    expect(two.total).toBe(wanted.length);
    expect(
      parseReport(two.text)
        .slice(1)
        .map((row) => `${row[0]}/${row[1]}`),
    ).toEqual(wanted.map((a) => `${a.client}/${a.service}`));
  });

  it('answers 400 naming unknown codes, and 400 for a value that is not a code', async () => {
    const unknown = await http()
      .get('/api/client-billable-services/export?client=C1&client=NOPE&client=nada')
      .expect(400);
    expect(unknown.body.message).toBe(
      'No client with code "NOPE", "nada" (codes are compared case-insensitively).',
    );
    const service = await http().get('/api/client-billable-services/export?service=S9').expect(400);
    expect(service.body.message).toMatch(/No service with code "S9"/);
    const bad = await http().get('/api/client-billable-services/export?client=a%20b').expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/client may contain only/);
    await http().get('/api/client-billable-services/export?other=1').expect(400);
  });

  it('exports only the header when there is nothing to export', async () => {
    await seedAssignments(t.dataSource, []);
    const { text, total } = await exportFile();
    expect(total).toBe(0);
    expect(text).toBe(`\uFEFF${HEADER}\r\n`);
  });

  it('closes its database connection when the reader goes away mid-file', async () => {
    const many = CLIENTS.flatMap((c) => SERVICES.map(([s]) => assignment(c, s, { notes: 'n'.repeat(1000) })));
    await seedAssignments(t.dataSource, many);
    // Enough bytes that the export is still streaming when the reader stops: 64 copies of the table.
    await t.dataSource.query(
      `INSERT INTO clients (code, name) SELECT 'X' || g, 'x' FROM generate_series(1, 2000) AS g`,
    );
    await t.dataSource.query(
      `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, notes)
       SELECT c.id, s.id, 1, 1, repeat('n', 1000) FROM clients c CROSS JOIN billable_services s WHERE c.code LIKE 'X%'`,
    );
    // Client backends only: PostgreSQL may run the COPY's sort with parallel workers, which carry the
    // application_name of their leader.
    const exports = async () =>
      Number(
        (
          await t.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE application_name = 'service-import export' AND backend_type = 'client backend'`,
          )
        )[0].n,
      );
    const controller = new AbortController();
    try {
      const res = await fetch(`${t.baseUrl}/api/client-billable-services/export`, {
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('x-total-count'))).toBe(many.length + 2000 * SERVICES.length);
      await res.body!.getReader().read();
      expect(await exports()).toBe(1);
    } finally {
      controller.abort(); // also when an expectation failed: a stalled reader would keep the app from closing
    }
    for (const deadline = Date.now() + 20_000; (await exports()) > 0;) {
      if (Date.now() > deadline) throw new Error('the export connection is still open');
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    await t.dataSource.query(`DELETE FROM clients WHERE code LIKE 'X%'`);
  });
});
