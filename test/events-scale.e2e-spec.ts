import Redis from 'ioredis';
import request from 'supertest';
import { ImportService } from '../src/import/import.service';
import { importEventsChannel } from '../src/import/events/import-events.channel';
import { bigImportFile } from './support/big-file';
import { EventStream, openEvents } from './support/events';
import { seedCatalog, upload } from './support/imports';
import { createTestApp, REDIS_URL, TestApp } from './support/test-app';
import { WorkerProcess } from './support/worker-process';

const KEY_A = 'alpha-secret-0123456789';
const KEY_B = 'bravo-secret-0123456789';
const ROWS = 3000;
const STREAMS = 50;

describe('many event streams (e2e)', () => {
  describe('one reload per job per notification', () => {
    let t: TestApp;
    let worker: WorkerProcess | null = null;
    const file = bigImportFile(ROWS);
    beforeAll(async () => {
      t = await createTestApp({ APP_ROLE: 'api', IMPORT_BATCH_SIZE: '10', SSE_MAX_STREAMS_PER_KEY: '100' });
      await seedCatalog(t.dataSource, file.clients, file.services);
    });
    afterAll(async () => {
      await worker?.stop();
      await t.close();
    });

    it(`serves ${STREAMS} streams of one import with the reloads one stream needs`, async () => {
      const res = await upload(t.app, file.csv, 'many.csv').expect(202);
      const code = res.body.code as string;
      const [{ id }] = await t.dataSource.query(`SELECT id FROM service_import_jobs WHERE code = $1`, [code]);
      // Count what the worker publishes for this import, as the API process hears it.
      const listener = new Redis(REDIS_URL);
      let notifications = 0;
      listener.on('message', (_channel: string, message: string) => {
        if (message === id) notifications++;
      });
      await listener.subscribe(importEventsChannel(t.config.queuePrefix));
      const loads = jest.spyOn(t.app.get(ImportService), 'get');
      try {
        const streams: EventStream[] = [];
        for (let i = 0; i < STREAMS; i++) streams.push(await openEvents(t.baseUrl, code, {}, 120_000));
        expect(streams.map((s) => s.status)).toEqual(Array(STREAMS).fill(200));
        const opened = Date.now();
        worker = await WorkerProcess.start(t.config); // the import starts with every stream open
        const all = await Promise.all(streams.map((s) => s.done));
        const seconds = (Date.now() - opened) / 1000;
        for (const events of all) {
          expect(events[events.length - 1]).toMatchObject({ event: 'end', job: { status: 'Completed' } });
          const processed = events.map((e) => e.job.processedItems);
          expect(processed).toEqual([...processed].sort((a, b) => a - b));
        }
        // Every stream saw progress, not just the end.
        expect(
          Math.min(...all.map((events) => new Set(events.map((e) => e.job.processedItems)).size)),
        ).toBeGreaterThan(2);
        // One reload per coalesced notification (plus the first load and the 5 s re-checks), shared by
        // every stream; one reload per stream would be STREAMS times as many.
        const bound = notifications + 2 + Math.ceil(seconds / 5);
        expect(notifications).toBeGreaterThan(10);
        expect({ loads: loads.mock.calls.length, withinBound: loads.mock.calls.length <= bound }).toEqual({
          loads: loads.mock.calls.length,
          withinBound: true,
        });
      } finally {
        loads.mockRestore();
        listener.disconnect();
      }
    });
  });

  describe('SSE_MAX_STREAMS_PER_KEY', () => {
    const CAP = 3;
    let t: TestApp;
    let code: string;
    beforeAll(async () => {
      // No worker: the import stays Queued and its streams stay open.
      t = await createTestApp({
        APP_ROLE: 'api',
        API_KEYS: `alpha:${KEY_A},bravo:${KEY_B}`,
        SSE_MAX_STREAMS_PER_KEY: String(CAP),
      });
      const res = await upload(t.app, 'clientCode,serviceCode\nC1,S1\n', 'q.csv')
        .set('X-API-Key', KEY_A)
        .expect(202);
      code = res.body.code;
    });
    afterAll(() => t.close());

    const open = (key: string, target = code) => openEvents(t.baseUrl, target, { 'X-API-Key': key });

    it('answers 429 beyond the cap, per key, and frees a slot when a stream closes', async () => {
      // Refused and unknown codes take no slot.
      for (let i = 0; i < 2 * CAP; i++) expect((await open(KEY_A, 'A'.repeat(22))).status).toBe(404);
      for (let i = 0; i < 2 * CAP; i++) expect((await open(KEY_B)).status).toBe(404); // not B's import

      const held = [];
      for (let i = 0; i < CAP; i++) held.push(await open(KEY_A));
      expect(held.map((s) => s.status)).toEqual(Array(CAP).fill(200));

      for (let i = 0; i < 3; i++) {
        const res = await request(t.app.getHttpServer())
          .get(`/api/service-imports/${code}/events`)
          .set('X-API-Key', KEY_A);
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.body).toEqual({
          statusCode: 429,
          error: 'Too Many Requests',
          message: expect.stringContaining('SSE_MAX_STREAMS_PER_KEY'),
        });
      }
      // Another key has slots of its own (its own import, so a 200 would need one: a 404 is not a 429).
      expect((await open(KEY_B)).status).toBe(404);

      for (let round = 0; round < 3; round++) {
        await closeStream(held.shift()!);
        held.push(await openWhenFree(() => open(KEY_A)));
        expect((await open(KEY_A)).status).toBe(429);
      }
      for (const stream of held) await closeStream(stream);
      const again = [];
      for (let i = 0; i < CAP; i++) again.push(await openWhenFree(() => open(KEY_A)));
      for (const stream of again) await closeStream(stream);
    });
  });
});

/** The client goes away: the stream's reader ends with the abort. */
async function closeStream(stream: EventStream): Promise<void> {
  stream.abort();
  await stream.done.catch(() => []);
}

/** A closed stream's slot is freed when the server sees the connection close: retry until then. */
async function openWhenFree(openOne: () => Promise<EventStream>): Promise<EventStream> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const stream = await openOne();
    if (stream.status === 200) return stream;
    expect(stream.status).toBe(429);
    if (Date.now() > deadline) throw new Error('the slot was not freed');
    await new Promise((r) => setTimeout(r, 50));
  }
}
