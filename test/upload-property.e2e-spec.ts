// A property of the whole upload and import path, against the compiled service started as production
// starts it (`node --max-old-space-size=192 main.js`, APP_ROLE=all): for files of random shapes,
// encodings, quoting, line ends and sizes — wide and narrow headers, short and long rows, long values,
// NUL bytes, unclosed quotes, cut files — the service never answers 5xx, stays alive, stays under the
// documented memory bound, accounts for every row (processed = created + skipped + errors, and
// Completed means every row was processed), writes exactly `createdCount` assignments, and serves a
// readable report with one line per row not imported.
//
// Seeded and bounded: PROPERTY_SEED and PROPERTY_RUNS override the defaults; a failure prints the seed,
// the first failing case and the files of it and of the smallest one found, under test-artifacts/.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import { Client } from 'pg';
import { FINAL, JobBody, expectInvariant, parseReport } from './support/imports';
import { deleteQueueKeys, dropDatabase, freePort, PG_SERVER_URL, REDIS_URL } from './support/test-app';
import { productionNodeFlags } from './support/production-node-flags';

const MAIN = join(__dirname, '..', '.test-dist', 'main.js'); // built by the e2e global setup
const SEED = Number(process.env.PROPERTY_SEED ?? 20261202);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const TIME_LIMIT_MS = 240_000;
/** The README's bound for a production start on files of any shape (Reliability: "under 400 MB"). */
const RSS_BOUND_BYTES = 400 * 1024 * 1024;

const CLIENTS = Array.from({ length: 40 }, (_, i) => `C${String(i + 1).padStart(6, '0')}`);
const SERVICES = Array.from({ length: 8 }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);

// ---- the generated file ----------------------------------------------------------------------------

const fieldNames: Record<string, string[]> = {
  clientCode: ['clientCode', 'Client Code', 'client_code', 'CLIENT-CODE'],
  serviceCode: ['serviceCode', 'Service Code', 'service.code'],
  quantity: ['quantity', 'qty', 'Quantity'],
  unitPrice: ['unitPrice', 'price', 'Unit Price'],
  startDate: ['startDate', 'Start Date'],
  endDate: ['endDate', 'end_date'],
  notes: ['notes', 'note', 'Comments'],
};

const valueOf: Record<string, fc.Arbitrary<string>> = {
  clientCode: fc.oneof(
    fc.constantFrom(...CLIENTS),
    fc.constantFrom(...CLIENTS).map((c) => c.toLowerCase()),
    fc.constantFrom('', 'NOPE1', 'C999999', ' C000001 '),
  ),
  serviceCode: fc.oneof(fc.constantFrom(...SERVICES), fc.constantFrom('', 's0001', 'S9999')),
  quantity: fc.constantFrom('', '1', '3', '10', '0', '-1', 'abc', '1.5', '99999999999999999999'),
  unitPrice: fc.constantFrom('', '0', '12.50', '12,50', '-1', '1.999', 'x', '9999999999.99'),
  startDate: fc.constantFrom('', '2026-01-01', '2026-02-30', '01/02/2026', '2027-12-31'),
  endDate: fc.constantFrom('', '2026-12-31', '2025-01-01', 'never'),
  notes: fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('=1+1', '+SUM(A1)', '-5', '@x', '"quoted"', 'a,b;c\td', 'line\nbreak', '＝1'),
    fc.integer({ min: 900, max: 1100 }).map((n) => 'n'.repeat(n)),
  ),
  extra: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('')),
};

interface FileCase {
  fields: string[]; // the field of each column ('extra' for columns the import ignores)
  header: string[];
  rows: string[][];
  delimiter: string;
  lineEnd: string;
  quoteAll: boolean;
  encoding: 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'win1252';
  damage: 'none' | 'nul' | 'unclosed-quote' | 'cut' | 'long-value' | 'binary';
  damageAt: number;
}

const headerArb = fc
  .record({
    dropRequired: fc.constantFrom(false, false, false, false, false, false, true),
    optional: fc.subarray(['quantity', 'unitPrice', 'startDate', 'endDate', 'notes']),
    // Mostly a few extra columns; now and then a wide header, up to thousands of columns.
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 5 }) },
      { weight: 2, arbitrary: fc.integer({ min: 20, max: 150 }) },
      { weight: 1, arbitrary: fc.integer({ min: 500, max: 5000 }) },
    ),
    nameChoice: fc.nat(),
  })
  .chain(({ dropRequired, optional, extra, nameChoice }) => {
    const required = dropRequired ? ['clientCode'] : ['clientCode', 'serviceCode'];
    const known = [...required, ...optional];
    const fields = [...known, ...Array.from({ length: extra }, () => 'extra')];
    return fc
      .shuffledSubarray(fields, { minLength: fields.length, maxLength: fields.length })
      .map((order) => {
        let n = 0;
        const header = order.map((field) => {
          if (field === 'extra') return `x${n++}`;
          const names = fieldNames[field];
          return names[nameChoice % names.length];
        });
        return { fields: order, header };
      });
  });

/** Few rows, a few thousand, or (narrow headers only) tens of thousands: several batches of the engine. */
function rowCount(columns: number): fc.Arbitrary<number> {
  if (columns > 400) return fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 500, max: 1500 }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 20 }) },
    { weight: 3, arbitrary: fc.integer({ min: 100, max: 3000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 5000, max: 20_000 }) },
  );
}

function rowArb(fields: string[]): fc.Arbitrary<string[]> {
  return fc
    .record({
      // A row's own length: as the header, shorter (missing fields are empty) or longer (malformed).
      shape: fc.constantFrom('full', 'full', 'full', 'full', 'short', 'long'),
      cells: fc.tuple(...fields.slice(0, 12).map((f) => valueOf[f])),
    })
    .map(({ shape, cells }) => {
      const row = fields.map((_, i) => (i < cells.length ? cells[i] : ''));
      if (shape === 'short') return row.slice(0, Math.max(1, row.length - 1));
      if (shape === 'long') return [...row, 'overflow'];
      return row;
    });
}

const fileArb: fc.Arbitrary<FileCase> = headerArb.chain(({ fields, header }) =>
  fc.record({
    fields: fc.constant(fields),
    header: fc.constant(header),
    rows: rowCount(fields.length).chain((n) => fc.array(rowArb(fields), { minLength: n, maxLength: n })),
    delimiter: fc.constantFrom(',', ';', '\t'),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    quoteAll: fc.boolean(),
    encoding: fc.constantFrom('utf8', 'utf8', 'utf8bom', 'utf16le', 'utf16be', 'win1252'),
    damage: fc.constantFrom(
      'none',
      'none',
      'none',
      'none',
      'nul',
      'unclosed-quote',
      'cut',
      'long-value',
      'binary',
    ),
    damageAt: fc.nat(),
  }),
);

function quote(value: string, delimiter: string, all: boolean): string {
  const needs = value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return all || needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function render(c: FileCase): Buffer {
  const rows = c.rows.map((r) => [...r]);
  if (c.damage === 'long-value' && rows.length > 0) rows[c.damageAt % rows.length][0] = 'L'.repeat(70_000);
  const lines = [c.header, ...rows].map((r) =>
    r.map((v) => quote(v, c.delimiter, c.quoteAll)).join(c.delimiter),
  );
  if (c.damage === 'unclosed-quote' && lines.length > 1)
    lines[1 + (c.damageAt % (lines.length - 1))] += '"open';
  const text = lines.join(c.lineEnd) + c.lineEnd;
  let bytes: Buffer;
  switch (c.encoding) {
    case 'utf8bom':
      bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
      break;
    case 'utf16le':
    case 'utf16be':
      bytes = iconv.encode(text, c.encoding, { addBOM: true });
      break;
    case 'win1252':
      bytes = iconv.encode(text, 'win1252'); // what Windows-1252 cannot say becomes '?'
      break;
    default:
      bytes = Buffer.from(text, 'utf8');
  }
  if (c.damage === 'nul') bytes[c.damageAt % bytes.length] = 0;
  if (c.damage === 'cut') bytes = bytes.subarray(0, 1 + (c.damageAt % bytes.length));
  if (c.damage === 'binary') bytes = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), bytes]);
  return bytes;
}

// ---- the service under test ------------------------------------------------------------------------

describe('upload and import path, property-based (e2e, production start)', () => {
  let child: ChildProcess;
  let output = '';
  let base = '';
  let db: Client;
  const database = `si_prop_${randomBytes(4).toString('hex')}`;
  const storage = mkdtempSync(join(tmpdir(), 'si-prop-'));
  const artifacts = join(__dirname, '..', 'test-artifacts');

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [...productionNodeFlags(), MAIN], {
      cwd: storage,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        ALLOW_ANONYMOUS: 'true',
        APP_ROLE: 'all',
        PORT: String(port),
        DATABASE_URL: `${PG_SERVER_URL}/${database}`,
        REDIS_URL,
        QUEUE_PREFIX: `si-prop-${database}`,
        STORAGE_LOCAL_DIR: storage,
        PUBLIC_BASE_URL: base,
        DOWNLOAD_SIGNING_SECRET: randomBytes(32).toString('hex'),
        UPLOAD_RATE_LIMIT: '100000',
        MAX_ACTIVE_IMPORTS_PER_KEY: '100000',
        IMPORT_BATCH_SIZE: '500',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    await waitForHealth(60_000);
    db = new Client({ connectionString: `${PG_SERVER_URL}/${database}` });
    await db.connect();
    await db.query(`INSERT INTO clients (code, name) SELECT c, 'Client ' || c FROM unnest($1::text[]) AS c`, [
      CLIENTS,
    ]);
    await db.query(`UPDATE clients SET is_active = false WHERE code = $1`, [CLIENTS[CLIENTS.length - 1]]);
    await db.query(
      `INSERT INTO billable_services (code, name, unit_price) SELECT s, 'Service ' || s, 10 FROM unnest($1::text[]) AS s`,
      [SERVICES],
    );
  }, 90_000);

  afterAll(async () => {
    await db?.end();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await dropDatabase(`${PG_SERVER_URL}/${database}`);
    await deleteQueueKeys(`si-prop-${database}`);
    rmSync(storage, { recursive: true, force: true });
  });

  async function waitForHealth(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the service exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      const status = await fetch(`${base}/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`no /health 200 within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  function peakRss(): number {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }

  async function waitForEnd(code: string): Promise<JobBody> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(`${base}/api/service-imports/${code}`);
      expect(res.status).toBe(200);
      const job = (await res.json()) as JobBody;
      expectInvariant(job);
      if (FINAL.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`import ${code} still ${job.status} after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it(
    'never answers 5xx, stays alive and bounded, and accounts for every row',
    async () => {
      let cases = 0;
      const tally: Record<string, number> = {};
      // The first failure is the one to read: once the service is down every later case fails too, so
      // what fast-check shrinks towards afterwards says little.
      let first: { index: number; shape: string; error: unknown } | undefined;
      const property = fc.asyncProperty(fileArb, async (c) => {
        cases++;
        try {
          await oneCase(c);
        } catch (error) {
          if (!first) {
            first = { index: cases, shape: describeCase(c), error };
            mkdirSync(artifacts, { recursive: true });
            writeFileSync(join(artifacts, 'property-first-failing.csv'), render(c));
          }
          throw error;
        }
      });
      const describeCase = (c: FileCase) =>
        `${c.header.length} columns, ${c.rows.length} rows, ${c.encoding}, ` +
        `${JSON.stringify(c.delimiter)}, damage ${c.damage}`;
      const oneCase = async (c: FileCase) => {
        const bytes = render(c);
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)], { type: 'text/csv' }), 'property.csv');
        const res = await fetch(`${base}/api/service-imports`, { method: 'POST', body: form });
        const body = (await res.json()) as JobBody & { message?: unknown };
        const shape0 = `${c.header.length}c/${c.rows.length}r/${c.encoding}/${c.damage}`;
        const shape = `${c.header.length} columns, ${c.rows.length} rows, ${c.encoding}, damage ${c.damage}`;
        if (res.status >= 500)
          throw new Error(`upload answered ${res.status} (${shape}): ${JSON.stringify(body)}`);
        tally[`${res.status}`] = (tally[`${res.status}`] ?? 0) + 1;
        if (process.env.PROPERTY_DEBUG) console.log(shape0, res.status, JSON.stringify(body).slice(0, 200));
        if (res.status !== 202) {
          // A refusal before any job exists says why, in the usual shape.
          expect([400, 413, 415]).toContain(res.status);
          expect(body.message).toBeTruthy();
        } else {
          const job = await waitForEnd(body.code);
          tally[job.status] = (tally[job.status] ?? 0) + 1;
          expect(['Completed', 'Failed']).toContain(job.status);
          if (job.status === 'Failed') expect(typeof job.failureReason).toBe('string');
          const [{ n }] = (
            await db.query(
              `SELECT count(*)::int AS n FROM client_billable_services a
               JOIN service_import_jobs j ON j.id = a.import_job_id WHERE j.code = $1`,
              [job.code],
            )
          ).rows;
          expect(n).toBe(job.createdCount);
          const notImported = job.skippedCount + job.errorCount;
          if (job.status === 'Completed' && notImported > 0) {
            expect(job.notImportedDownloadUrl).toBeTruthy();
            const report = await fetch(job.notImportedDownloadUrl!);
            expect(report.status).toBe(200);
            const rows = parseReport(Buffer.from(await report.arrayBuffer()).toString('utf8'));
            expect(rows.length).toBe(1 + notImported);
            expect(rows[0][0]).toBe('rowNumber');
            expect(rows[0].slice(-3)).toEqual(['outcome', 'reason', 'message']);
            for (const row of rows) expect(row.length).toBe(rows[0].length);
          }
        }
        await waitForHealth(10_000);
        const rss = peakRss();
        if (rss > RSS_BOUND_BYTES) throw new Error(`peak RSS ${Math.round(rss / 2 ** 20)} MB after ${shape}`);
      };
      const details = await fc.check(property, {
        seed: SEED,
        numRuns: RUNS,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
      });
      if (details.failed) {
        const cause = (first?.error as { cause?: unknown } | undefined)?.cause;
        throw new Error(
          `seed ${details.seed}: case ${first?.index} (${first?.shape}) failed with ` +
            `${String(first?.error).slice(0, 2000)}${cause ? ` (cause: ${inspect(cause)})` : ''}\n` +
            `its file: test-artifacts/property-first-failing.csv; ` +
            `service ${child.exitCode === null && child.signalCode === null ? 'alive' : `exited (${child.exitCode ?? child.signalCode})`}; ` +
            `output (tail):\n${output.slice(-5000)}`,
        );
      }
      // The time limit may cut the run short on a slow machine, but never to nothing.
      expect(cases).toBeGreaterThanOrEqual(Math.min(RUNS, 10));
      // The generator reaches both sides: refusals before a job, and imports with rows not imported.
      expect(Object.keys(tally).some((s) => s.startsWith('4'))).toBe(true);
      expect(tally.Completed).toBeGreaterThan(0);
    },
    TIME_LIMIT_MS + 120_000,
  );
});
