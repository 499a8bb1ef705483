import request from 'supertest';
import { bigImportFile } from './support/big-file';
import { openEvents, ReceivedEvent } from './support/events';
import { seedCatalog, upload, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';
import { WorkerProcess } from './support/worker-process';

const ROWS = 5000;
// Small batches, so the import lasts several of the stream's 250 ms coalescing intervals even when
// two batches commit at once.
const BATCH_SIZE = '10';

/** The checks every complete stream of an import must pass. */
function expectWellFormed(events: ReceivedEvent[]): void {
  const names = events.map((e) => e.event);
  expect(names[names.length - 1]).toBe('end');
  expect(names.slice(0, -1).every((n) => n === 'progress')).toBe(true);
  const processed = events.map((e) => e.job.processedItems);
  expect(processed).toEqual([...processed].sort((a, b) => a - b));
  for (const { job } of events) {
    expect(job.processedItems).toBe(job.createdCount + job.skippedCount + job.errorCount);
  }
  const end = events[events.length - 1].job;
  expect(end).toMatchObject({ status: 'Completed', processedItems: ROWS, totalItems: ROWS });
  expect(end).toMatchObject({ progressPercent: 100, estimatedSecondsRemaining: 0, phase: null });
}

/**
 * More progress events with distinct counters than the stream's 5 s safety re-check alone could
 * produce: the notifications really arrive (through Redis when the worker is another process).
 */
function expectLiveProgress(events: ReceivedEvent[]): void {
  const running = events.filter((e) => e.event === 'progress' && e.job.status === 'InProgress');
  const distinct = new Set(running.map((e) => e.job.processedItems));
  expect(distinct.size).toBeGreaterThanOrEqual(3);
  const span = events[events.length - 1].at - running[0].at;
  expect(distinct.size).toBeGreaterThan(Math.floor(span / 5000) + 2);
  // Rounded down: 100 only once every row is processed (then the report is being written).
  for (const { job } of running.filter((e) => e.job.totalItems !== null)) {
    const percent = job.progressPercent as number;
    const done = job.processedItems === job.totalItems;
    expect({ percent, done }).toEqual({ percent: done ? 100 : expect.any(Number), done });
    if (!done) expect(percent).toBeLessThan(100);
    expect(percent).toBeGreaterThanOrEqual(0);
  }
}

describe('import events stream (e2e)', () => {
  const file = bigImportFile(ROWS);

  describe('worker in the same process', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ IMPORT_BATCH_SIZE: BATCH_SIZE });
      await seedCatalog(t.dataSource, file.clients, file.services);
    });
    afterAll(() => t.close());

    it('sends progress after batches, then the end event, then closes', async () => {
      const res = await upload(t.app, file.csv, 'big.csv').expect(202);
      const stream = await openEvents(t.baseUrl, res.body.code);
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      const events = await stream.done; // resolves only when the server closes the stream
      expect(events[0].event).toBe('progress');
      expectWellFormed(events);
      expectLiveProgress(events);
    });

    it("streams a revert's progress as an import's: its counters rising, then the end", async () => {
      await t.dataSource.query(`DELETE FROM client_billable_services`); // the first test imported the file
      const job = await uploadAndWait(t.app, file.csv, 'to-revert.csv');
      expect(job.createdCount).toBeGreaterThan(1000);
      const res = await request(t.app.getHttpServer())
        .post(`/api/service-imports/${job.code}/revert`)
        .expect(202);
      const stream = await openEvents(t.baseUrl, res.body.code);
      const events = await stream.done;
      const names = events.map((e) => e.event);
      expect(names[names.length - 1]).toBe('end');
      expect(names.slice(0, -1).every((n) => n === 'progress')).toBe(true);
      const reverted = events.map((e) => Number(e.job.revertedCount));
      expect(reverted).toEqual([...reverted].sort((a, b) => a - b));
      for (const e of events)
        expect(e.job.processedItems).toBe(Number(e.job.revertedCount) + e.job.skippedCount);
      const running = events.filter((e) => e.job.status === 'InProgress' && e.job.phase === 'Importing');
      expect(new Set(running.map((e) => e.job.processedItems)).size).toBeGreaterThanOrEqual(3);
      expect(events[events.length - 1].job).toMatchObject({
        kind: 'revert',
        status: 'Completed',
        revertedCount: job.createdCount,
        processedItems: job.createdCount,
        progressPercent: 100,
      });
    });

    it('gives a job that already ended just the end event', async () => {
      const job = await uploadAndWait(t.app, 'clientCode,serviceCode\nK1,NOPE\n', 'done.csv');
      expect(job.status).toBe('Completed');
      const stream = await openEvents(t.baseUrl, job.code);
      const events = await stream.done;
      expect(events.map((e) => e.event)).toEqual(['end']);
      expect(events[0].job).toMatchObject({ code: job.code, status: 'Completed', skippedCount: 1 });
      expect(events[0].job.notImportedDownloadUrl).toEqual(expect.any(String));
    });

    it('answers 404 as JSON for an unknown code', async () => {
      const stream = await openEvents(t.baseUrl, 'no-such-code');
      expect(stream.status).toBe(404);
      expect(stream.contentType).toMatch(/^application\/json/);
      const res = await request(t.app.getHttpServer()).get('/api/service-imports/no-such-code/events');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: 'No import with code "no-such-code".' });
    });
  });

  describe('API process and a worker process', () => {
    let t: TestApp;
    let worker: WorkerProcess | null = null;
    beforeAll(async () => {
      t = await createTestApp({ APP_ROLE: 'api', IMPORT_BATCH_SIZE: BATCH_SIZE });
      await seedCatalog(t.dataSource, file.clients, file.services);
    });
    afterAll(async () => {
      await worker?.stop();
      await t.close();
    });

    it('ends the stream of a Queued import cancelled through the API', async () => {
      const res = await upload(t.app, file.csv, 'cancel-me.csv').expect(202);
      const stream = await openEvents(t.baseUrl, res.body.code);
      await waitFor(() => stream.events.length > 0);
      expect(stream.events[0].job).toMatchObject({ status: 'Queued', progressPercent: null });
      await request(t.app.getHttpServer()).post(`/api/service-imports/${res.body.code}/cancel`).expect(200);
      const events = await stream.done;
      expect(events.map((e) => e.event)).toEqual(['progress', 'end']);
      expect(events[1].job).toMatchObject({ status: 'Cancelled', estimatedSecondsRemaining: 0 });
      expect(events[1].at).toBeLessThan(4000); // notified, not found by the 5 s re-check
    });

    it('streams the progress of an import run by another process (Redis notifications)', async () => {
      const res = await upload(t.app, file.csv, 'big.csv').expect(202);
      const stream = await openEvents(t.baseUrl, res.body.code);
      await waitFor(() => stream.events.length > 0);
      expect(stream.events[0].job.status).toBe('Queued'); // no worker yet: nothing runs in the API process
      worker = await WorkerProcess.start(t.config);
      const events = await stream.done;
      expectWellFormed(events);
      expectLiveProgress(events);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
