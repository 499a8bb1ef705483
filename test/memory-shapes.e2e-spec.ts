// Memory is bounded by what a batch really holds, whatever the shape of the file: a process started
// as production starts it (`--max-old-space-size=192`, APP_ROLE=all) imports files of many shapes,
// writes their reports and serves their rows, and its peak RSS stays under the README's bound.
import { startProductionService, statusMb } from './support/production-service';
import { createTestApp, TestApp } from './support/test-app';
import type { WorkerProcess } from './support/worker-process';

/**
 * README, Reliability and security: peak RSS of one process, whatever the file's shape. V8 lets each
 * heap grow towards its cap before it collects (192 MB for the main thread, 128 MB for the parse
 * thread), so the bound is about those caps, not about one file.
 */
const RSS_BOUND_MB = 400;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Each file: unknown clients (or malformed rows), so every row is kept and written to the report. */
const SHAPES: { name: string; csv: () => string }[] = [
  {
    name: 'wide: 100 columns (IMPORT_MAX_COLUMNS) of 150-character values, 2,000 rows (30 MB)',
    csv: () => {
      const header = ['clientCode', 'serviceCode', ...range(98).map((i) => `column${i}`)].join(',');
      const rest = range(98)
        .map((i) => `${i}`.padEnd(150, 'w'))
        .join(',');
      return [header, ...range(2000).map((i) => `NOPE${i},Z1,${rest}`)].join('\n');
    },
  },
  {
    name: 'long values: 400 rows with a value of 65,000 characters, near IMPORT_MAX_FIELD_CHARS (26 MB)',
    csv: () => {
      const value = 'L'.repeat(65_000);
      return ['clientCode,serviceCode,extra', ...range(400).map((i) => `NOPE${i},Z1,${value}`)].join('\n');
    },
  },
  {
    name: 'many short rows: 300,000 rows, all not imported (5 MB, 300,000 report lines)',
    csv: () => ['clientCode,serviceCode', ...range(300_000).map((i) => `NOPE${i},Z1`)].join('\n'),
  },
  {
    name: 'malformed rows: a 2-column header, 20,000 rows of 300 values each (MALFORMED_ROW, 12 MB)',
    csv: () => {
      const extra = ',x'.repeat(298);
      return ['clientCode,serviceCode', ...range(20_000).map((i) => `K${i},Z1${extra}`)].join('\n');
    },
  },
];

describe('memory across file shapes (e2e, a production process)', () => {
  let t: TestApp;
  let service: WorkerProcess;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' }); // the database, queue and storage; imports run in the child
    ({ service, base } = await startProductionService(t.config));
  });
  afterAll(async () => {
    await service?.stop();
    await t.close();
  });

  async function importFile(csv: string, name: string): Promise<{ code: string; status: string }> {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), name);
    const res = await fetch(`${base}/api/service-imports`, { method: 'POST', body: form });
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    const { code } = (await res.json()) as { code: string };
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const job = (await (await fetch(`${base}/api/service-imports/${code}`)).json()) as { status: string };
      if (['Completed', 'Failed', 'Cancelled'].includes(job.status)) return { code, status: job.status };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`import ${code} did not end`);
  }

  it(`stays under ${RSS_BOUND_MB} MB of peak RSS for every shape`, async () => {
    const peaks: string[] = [`started: ${statusMb(service.pid, 'VmHWM').toFixed(0)} MB`];
    for (const shape of SHAPES) {
      const { code, status } = await importFile(shape.csv(), 'shape.csv');
      expect(status).toBe('Completed');
      // The report was written; read it back, and the largest page of rows, from the same process.
      const report = await fetch(`${base}/api/service-imports/${code}/not-imported`);
      expect(report.status).toBe(200);
      await report.arrayBuffer();
      const rows = await fetch(`${base}/api/service-imports/${code}/rows?limit=500`);
      expect(rows.status).toBe(200);
      expect((await rows.text()).length).toBeLessThan(1.5 * 1024 * 1024);
      const peak = statusMb(service.pid, 'VmHWM');
      peaks.push(`${shape.name}: ${peak.toFixed(0)} MB`);
      // Every peak so far in the failure, so a breach says which shape and by how much.
      if (peak >= RSS_BOUND_MB) throw new Error(`peak RSS over ${RSS_BOUND_MB} MB:\n  ${peaks.join('\n  ')}`);
    }
    expect(service.alive).toBe(true);
    console.log(`peak RSS after each shape:\n  ${peaks.join('\n  ')}`);
    // A memory bound, not a speed one: on a loaded machine the six imports take several minutes.
  }, 600_000);
});
