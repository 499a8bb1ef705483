// A 200,000-row workbook is read as a stream: a process started as production starts it
// (`--max-old-space-size=192`, APP_ROLE=all: upload inspection and the parse thread in one process)
// imports it with a peak RSS under the README's bound, and close to what a 20,000-row workbook costs.
import { readFileSync } from 'node:fs';
import { seedCatalog } from './support/imports';
import { createTestApp, freePort, TestApp } from './support/test-app';
import { streamedWorkbook } from './support/workbooks';
import { WorkerProcess } from './support/worker-process';

/** README, Workbooks: the peak RSS of the process importing a 200k-row workbook. */
const RSS_BOUND_MB = 400;
/**
 * What the 200k-row workbook may cost beyond the 20k-row one (measured: 78 and 89 MB), far from proportional
 * (10× the rows): the shared-string table, one string per distinct text (here every note), is what grows.
 */
const GROWTH_BOUND_MB = 120;

const CLIENTS = 2000;
const SERVICES = 100;
const HEADER = ['clientCode', 'serviceCode', 'quantity', 'unitPrice', 'startDate', 'endDate', 'notes'];

function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(match[1]) / 1024;
}

const code = (prefix: string, n: number, width: number) => `${prefix}${String(n).padStart(width, '0')}`;

/** Row i assigns service i / CLIENTS to client i % CLIENTS: every pair once, each row a new assignment. */
function rows(count: number, offset: number) {
  return streamedWorkbook(HEADER, count, (k) => {
    const i = k + offset;
    return [
      code('C', i % CLIENTS, 6),
      code('S', Math.floor(i / CLIENTS), 4),
      1 + (i % 7),
      Number(((i % 10_000) / 100).toFixed(2)),
      new Date(Date.UTC(2026, i % 12, 1 + (i % 28))),
      null,
      `note ${i} for the billing run`,
    ];
  });
}

describe('xlsx memory (e2e, a production process)', () => {
  let t: TestApp;
  let service: WorkerProcess;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    await seedCatalog(
      t.dataSource,
      Array.from({ length: CLIENTS }, (_, i) => code('C', i, 6)),
      Array.from({ length: SERVICES }, (_, i): [string, string] => [code('S', i, 4), '10.00']),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await WorkerProcess.start(
      t.config,
      { APP_ROLE: 'all', PORT: String(port), PUBLIC_BASE_URL: base, LOG_LEVEL: 'info' },
      ['--max-old-space-size=192', '--max-semi-space-size=16'],
    );
  });
  afterAll(async () => {
    await service?.stop();
    await t.close();
  });

  async function importFile(bytes: Buffer): Promise<Record<string, unknown>> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'big.xlsx');
    const res = await fetch(`${base}/api/service-imports`, { method: 'POST', body: form });
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    const { code: jobCode } = (await res.json()) as { code: string };
    for (const deadline = Date.now() + 500_000; Date.now() < deadline;) {
      const job = (await (await fetch(`${base}/api/service-imports/${jobCode}`)).json()) as Record<
        string,
        unknown
      >;
      if (['Completed', 'Failed', 'Cancelled'].includes(job.status as string)) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`import ${jobCode} did not end`);
  }

  it(`imports 200,000 rows of a workbook under ${RSS_BOUND_MB} MB of peak RSS, flat in the row count`, async () => {
    const small = await rows(20_000, 0);
    const big = await rows(200_000, 0);
    const started = peakRssMb(service.pid);

    const first = await importFile(small);
    expect(first).toMatchObject({ status: 'Completed', totalItems: 20_000, createdCount: 20_000 });
    const afterSmall = peakRssMb(service.pid);
    await t.dataSource.query(`DELETE FROM client_billable_services`);

    const began = Date.now();
    const job = await importFile(big);
    const seconds = (Date.now() - began) / 1000;
    expect(job).toMatchObject({
      status: 'Completed',
      totalItems: 200_000,
      createdCount: 200_000,
      errorCount: 0,
    });
    const afterBig = peakRssMb(service.pid);
    console.log(
      `xlsx memory: started ${started.toFixed(0)} MB; peak RSS after 20k rows ${afterSmall.toFixed(0)} MB, ` +
        `after 200k rows ${afterBig.toFixed(0)} MB (${(big.length / 1048576).toFixed(1)} MB workbook, ` +
        `${seconds.toFixed(1)} s upload to Completed)`,
    );
    expect(afterBig).toBeLessThan(RSS_BOUND_MB);
    expect(afterBig - afterSmall).toBeLessThan(GROWTH_BOUND_MB);
    const [sample] = await t.dataSource.query(
      `SELECT a.unit_price::text AS price, a.start_date::text AS start, a.notes
         FROM client_billable_services a JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
        WHERE c.code = 'C000123' AND s.code = 'S0042'`,
    );
    const i = 42 * CLIENTS + 123;
    expect(sample).toEqual({
      price: ((i % 10_000) / 100).toFixed(2),
      start: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      notes: `note ${i} for the billing run`,
    });
    expect(service.alive).toBe(true);
  }, 900_000);
});
