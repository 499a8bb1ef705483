// The export streams: a process started as production starts it (APP_ROLE=all, production's node flags,
// as memory-shapes runs it) but with half production's heap (`--max-old-space-size=96`) exports 200,000
// assignments (about 60 MB of CSV) and stays alive with a small RSS growth. A file built in memory (the
// rows as objects, then the text) would need more heap than that and fail. Measured here on Node 24:
// 5-6 MB of growth at 200,000 assignments, 12 MB at 1,000,000 (296 MB of CSV); 20-38 MB at 200,000 once
// the service also loaded the workbook reader and the import page (a larger heap to start from). Production's
// `--max-semi-space-size=16` matters: without it V8 grows the young generation by some 64 MB under the
// stream's garbage (60-106 MB of growth seen), which production never does.
import { Client } from 'pg';
import { startProductionService, statusMb } from './support/production-service';
import { createTestApp, TestApp } from './support/test-app';
import type { WorkerProcess } from './support/worker-process';

const CLIENTS = 2000;
const SERVICES = 100;
const ASSIGNMENTS = CLIENTS * SERVICES;
/** Peak RSS growth allowed while exporting, over the process's RSS just before it. */
const GROWTH_BOUND_MB = 60;

describe('assignment export memory (e2e, a production process)', () => {
  let t: TestApp;
  let service: WorkerProcess;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    // A connection of its own: the app's pool bounds every statement to a few seconds.
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO clients (code, name) SELECT 'C' || lpad(g::text, 6, '0'), 'Client ' || g FROM generate_series(1, ${CLIENTS}) g`,
    );
    await db.query(
      `INSERT INTO billable_services (code, name, unit_price)
       SELECT 'S' || lpad(g::text, 4, '0'), 'Service ' || g, g FROM generate_series(1, ${SERVICES}) g`,
    );
    // 250-character notes, a fifth of them starting like a formula, so every line goes through the guard.
    await db.query(
      `INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, notes)
       SELECT c.id, s.id, 1 + (hashtext(c.code || s.code) & 7), s.unit_price + 0.25, DATE '2026-01-01',
              CASE WHEN hashtext(s.code || c.code) % 5 = 0 THEN '=' ELSE '' END || repeat('note, "quoted" ', 16)
         FROM clients c CROSS JOIN billable_services s`,
    );
    await db.query('ANALYZE');
    await db.end();
    ({ service, base } = await startProductionService(t.config, { 'max-old-space-size': '96' }));
  });
  afterAll(async () => {
    await service?.stop();
    await t?.close();
  });

  it(`exports ${ASSIGNMENTS} assignments with less than ${GROWTH_BOUND_MB} MB of RSS growth`, async () => {
    // Warm the route (module code, first connection) so the measure is of the export itself.
    const warm = await fetch(`${base}/api/client-billable-services/export?client=C000001`);
    await warm.arrayBuffer();
    const before = statusMb(service.pid, 'VmRSS');
    const peakBefore = statusMb(service.pid, 'VmHWM');

    const res = await fetch(`${base}/api/client-billable-services/export`);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-total-count'))).toBe(ASSIGNMENTS);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines++; // notes hold no line break here
    }
    expect(lines).toBe(ASSIGNMENTS + 1);
    expect(bytes).toBeGreaterThan(50 * 1024 * 1024);

    const peak = statusMb(service.pid, 'VmHWM');
    const growth = Math.max(0, peak - before);
    console.log(
      `export of ${ASSIGNMENTS} assignments (${(bytes / 1024 / 1024).toFixed(0)} MB): RSS before ${before.toFixed(0)} MB, ` +
        `peak before ${peakBefore.toFixed(0)} MB, peak after ${peak.toFixed(0)} MB, growth ${growth.toFixed(0)} MB`,
    );
    expect({ growthMb: Math.round(growth), under: growth < GROWTH_BOUND_MB }).toMatchObject({ under: true });
    expect(service.alive).toBe(true);
  }, 300_000);
});
