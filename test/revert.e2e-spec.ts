// Undo an import (POST /{code}/revert): what it created is deleted, what it updated gets its values
// back, what changed since is kept (CHANGED_SINCE) and what is gone is reported (GONE); a dry run of
// the revert says exactly what the revert does; a revert is done once, can be cancelled, and counts.
import request from 'supertest';
import {
  expectInvariant,
  fetchReport,
  FINAL,
  forceStatus,
  HEADER,
  JobBody as AnyJob,
  parseReport,
  seedCatalog,
} from './support/imports';

type JobBody = AnyJob & {
  kind: string;
  updatedCount: number;
  revertedCount: number;
  keptCount: number;
  goneCount: number;
  revertsCode: string | null;
  revertCode: string | null;
};
import { createTestApp, TestApp } from './support/test-app';

const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789abc';
const CLIENTS = Array.from({ length: 30 }, (_, i) => `C${i}`);
const SERVICES: [string, string][] = Array.from({ length: 10 }, (_, i) => [`S${i}`, `${i + 1}.00`]);

// Half the pairs exist before the import, with values the file changes for most of them.
const EXISTING = `
  INSERT INTO client_billable_services (client_id, billable_service_id, quantity, unit_price, start_date, notes)
  SELECT c.id, s.id, 1 + (abs(hashtext(c.code || s.code)) % 5), s.unit_price, DATE '2026-01-01', 'before ' || c.code
    FROM clients c CROSS JOIN billable_services s
   WHERE abs(hashtext(s.code || c.code)) % 2 = 0`;

/** Every pair, some rows changing the stored values, some equal, some invalid. */
function upsertFile(): string {
  const rows = [HEADER];
  CLIENTS.forEach((c, i) =>
    SERVICES.forEach(([s], j) => {
      if ((i + j) % 7 === 0)
        rows.push(`${c},${s},x,,,,`); // INVALID_QUANTITY
      else if ((i + j) % 5 === 0)
        rows.push(`${c},${s},,,,,`); // Unchanged where it exists
      else rows.push(`${c},${s},${2 + ((i * j) % 4)},${(j + 1) * 1.5},,2027-12-31,"after ${c}/${s}"`);
    }),
  );
  return rows.join('\n') + '\n';
}

describe('revert an import (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const post = (path: string, secret = ALICE) => http().post(path).set('X-API-Key', secret);
  const get = (path: string, secret = ALICE) => http().get(path).set('X-API-Key', secret);

  async function waitForEnd(code: string): Promise<JobBody> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const job = (await get(`/api/service-imports/${code}`).expect(200)).body as JobBody;
      expectInvariant(job);
      if (job.kind === 'revert') {
        expect(job.skippedCount).toBe(Number(job.keptCount) + Number(job.goneCount));
        expect(job.processedItems).toBe(Number(job.revertedCount) + job.skippedCount);
      }
      if (FINAL.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`Job ${code} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const started = async (res: request.Response): Promise<JobBody> => {
    if (res.status !== 202) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
    return waitForEnd(res.body.code);
  };
  const importFile = async (content: string, query = '?mode=upsert') =>
    started(await post(`/api/service-imports${query}`).attach('file', Buffer.from(content), 'services.csv'));
  const revert = async (code: string, query = '') =>
    started(await post(`/api/service-imports/${code}/revert${query}`));

  /** The whole table as users see it: every assignment's id and values. */
  const table = () =>
    t.dataSource.query(
      `SELECT a.id, c.code AS client, s.code AS service, a.quantity, a.unit_price::text AS price,
              a.start_date::text AS sd, a.end_date::text AS ed, a.notes
         FROM client_billable_services a JOIN clients c ON c.id = a.client_id
         JOIN billable_services s ON s.id = a.billable_service_id ORDER BY a.id`,
    );
  interface Change {
    rowNumber: number;
    action: string;
    assignmentId: string | null;
    clientCode: string;
    serviceCode: string;
    changes: Record<string, { from: unknown; to: unknown }>;
  }
  const changesOf = async (code: string) => {
    const items: Change[] = [];
    for (let page = 1; ; page++) {
      const body = (await get(`/api/service-imports/${code}/changes?limit=500&page=${page}`).expect(200))
        .body;
      items.push(...body.items);
      if (items.length >= body.total) return items;
    }
  };
  const reportOf = async (job: JobBody) =>
    job.notImportedDownloadUrl ? parseReport((await fetchReport(job.notImportedDownloadUrl)).text) : [];

  beforeAll(async () => {
    t = await createTestApp({
      API_KEYS: `alice:${ALICE},bob:${BOB}`,
      MAX_ACTIVE_IMPORTS_PER_KEY: '20',
      IMPORT_BATCH_SIZE: '25',
    });
    await seedCatalog(t.dataSource, CLIENTS, SERVICES);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    await t.dataSource.query(EXISTING);
  });

  it('reverts a create-mode import to exactly the table before it', async () => {
    const before = await table();
    const imported = await importFile(upsertFile(), '');
    expect(imported.createdCount).toBeGreaterThan(50);
    const undone = await revert(imported.code);
    expect(undone).toMatchObject({
      kind: 'revert',
      status: 'Completed',
      revertsCode: imported.code,
      totalItems: imported.createdCount,
      revertedCount: imported.createdCount,
      keptCount: 0,
      goneCount: 0,
      createdCount: 0,
      notImportedDownloadUrl: null,
    });
    expect(await table()).toEqual(before);
    expect((await get(`/api/service-imports/${imported.code}`).expect(200)).body.revertCode).toBe(
      undone.code,
    );
    const log = await changesOf(undone.code);
    expect(log.every((c) => c.action === 'Deleted')).toBe(true);
    expect(log).toHaveLength(imported.createdCount);
  });

  it('reverts changes spread thinly through a file: stretches longer than a batch without one', async () => {
    // A batch of the revert is a window of IMPORT_BATCH_SIZE (25) row numbers: a window with no change
    // record, at the start, in the middle or at the end, must not end the revert early.
    const pairs = CLIENTS.flatMap((c) => SERVICES.map(([s]) => `${c},${s}`));
    for (const gaps of [
      [60, 80, 70],
      [0, 26, 0],
      [25, 1, 49],
    ]) {
      await t.dataSource.query(`DELETE FROM client_billable_services`);
      const before = await table();
      const rows = [HEADER];
      let next = 0;
      for (const gap of gaps) {
        for (let i = 0; i < gap; i++) rows.push(`${pairs[next++ % pairs.length]},x,,,,`); // INVALID_QUANTITY
        rows.push(`${pairs[next++]},2,,,,`);
      }
      const imported = await importFile(rows.join('\n') + '\n');
      expect(imported.createdCount).toBe(gaps.length);
      const undone = await revert(imported.code);
      expect(undone).toMatchObject({
        status: 'Completed',
        revertedCount: gaps.length,
        totalItems: gaps.length,
      });
      expect(await table()).toEqual(before);
    }
  });

  it('reverts an upsert import: created rows deleted, updated rows restored, the table as before', async () => {
    const before = await table();
    const imported = await importFile(upsertFile());
    expect(imported.updatedCount).toBeGreaterThan(20);
    expect(imported.createdCount).toBeGreaterThan(20);
    expect(await table()).not.toEqual(before);

    const dry = await revert(imported.code, '?dryRun=true');
    expect(dry).toMatchObject({
      kind: 'revert',
      dryRun: true,
      revertedCount: imported.createdCount + imported.updatedCount,
    });
    expect((await table()).length).toBe(before.length + imported.createdCount); // the dry run wrote nothing

    const undone = await revert(imported.code);
    expect(undone.revertedCount).toBe(imported.createdCount + imported.updatedCount);
    expect(await table()).toEqual(before);
    // The dry run said exactly what the revert did.
    const counters = (j: JobBody) => [
      j.totalItems,
      j.revertedCount,
      j.keptCount,
      j.goneCount,
      j.skippedCount,
    ];
    expect(counters(dry)).toEqual(counters(undone));
    expect(await changesOf(dry.code)).toEqual(await changesOf(undone.code));
    const restored = (await changesOf(undone.code)).filter((c) => c.action === 'Restored');
    expect(restored).toHaveLength(imported.updatedCount);
    // A Restored record goes from what the import wrote back to what it replaced.
    const updates = new Map((await changesOf(imported.code)).map((c) => [c.rowNumber, c.changes]));
    for (const r of restored.slice(0, 20)) {
      const forward = updates.get(r.rowNumber) as Record<string, { from: unknown; to: unknown }>;
      const back = r.changes as Record<string, { from: unknown; to: unknown }>;
      expect(Object.keys(back).sort()).toEqual(Object.keys(forward).sort());
      for (const field of Object.keys(back))
        expect(back[field]).toEqual({ from: forward[field].to, to: forward[field].from });
    }

    // Reverting again answers the same revert.
    expect((await post(`/api/service-imports/${imported.code}/revert`).expect(202)).body.code).toBe(
      undone.code,
    );
  });

  it('keeps what changed since (CHANGED_SINCE, naming who) and reports what is gone (GONE)', async () => {
    const first = await importFile(upsertFile());
    const log = await changesOf(first.code);
    const updated = log.filter((c) => c.action === 'Updated');
    const created = log.filter((c) => c.action === 'Created');
    // A later import changes one pair the first updated and one it created; one created assignment is deleted.
    const [u, c1, c2] = [updated[0], created[0], created[1]];
    const later = await importFile(
      `${HEADER}\n${u.clientCode},${u.serviceCode},4,,,,later\n${c1.clientCode},${c1.serviceCode},,9.99,,,\n`,
    );
    expect(later.updatedCount).toBe(2);
    await t.dataSource.query(`DELETE FROM client_billable_services WHERE id = $1`, [c2.assignmentId]);
    const kept = (await table()).filter(
      (a: { id: string }) => a.id === u.assignmentId || a.id === c1.assignmentId,
    );

    const undone = await revert(first.code);
    expect(undone).toMatchObject({
      keptCount: 2,
      goneCount: 1,
      revertedCount: log.length - 3,
      skippedCount: 3,
    });
    expect(
      (await table()).filter((a: { id: string }) => a.id === u.assignmentId || a.id === c1.assignmentId),
    ).toEqual(kept);
    const report = await reportOf(undone);
    expect(report[0]).toEqual(['rowNumber', 'clientCode', 'serviceCode', 'outcome', 'reason', 'message']);
    const lines = report.slice(1).map((r) => [Number(r[0]), r[4], r[5]]);
    expect(lines).toEqual(
      [
        [
          u.rowNumber,
          'CHANGED_SINCE',
          `Kept as it is: import ${later.code} changed the assignment after this one.`,
        ],
        [
          c1.rowNumber,
          'CHANGED_SINCE',
          `Kept as it is: import ${later.code} changed the assignment after this one.`,
        ],
        [c2.rowNumber, 'GONE', 'The assignment no longer exists: it was deleted after the import.'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    const rows = (await get(`/api/service-imports/${undone.code}/rows?reason=GONE`).expect(200)).body.items;
    expect(rows.map((r: { values: unknown }) => r.values)).toEqual([
      { clientCode: c2.clientCode, serviceCode: c2.serviceCode },
    ]);
  });

  it('answers 409 for a dry run, a running import, a revert, a running revert; 404 for unknown or foreign codes', async () => {
    const dry = await importFile(upsertFile(), '?mode=upsert&dryRun=true');
    expect((await post(`/api/service-imports/${dry.code}/revert`).expect(409)).body.message).toMatch(
      /dry run/,
    );
    const real = await importFile(`${HEADER}\nC1,S1,5,,,,\n`);
    await forceStatus(t.dataSource, real.code, 'InProgress');
    expect((await post(`/api/service-imports/${real.code}/revert`).expect(409)).body.message).toMatch(
      /InProgress/,
    );
    await forceStatus(t.dataSource, real.code, 'Completed');
    await post(`/api/service-imports/${real.code}/revert`, BOB).expect(404);
    await post(`/api/service-imports/AAAAAAAAAAAAAAAAAAAAAA/revert`).expect(404);

    const undone = await revert(real.code);
    expect((await post(`/api/service-imports/${undone.code}/revert`).expect(409)).body.message).toMatch(
      /cannot be reverted/,
    );
    expect((await post(`/api/service-imports/${undone.code}/retry`).expect(409)).body.message).toMatch(
      /is a revert/,
    );
    expect((await post(`/api/service-imports/${undone.code}/commit`).expect(409)).body.message).toMatch(
      /is a revert/,
    );
    await forceStatus(t.dataSource, undone.code, 'InProgress');
    expect((await post(`/api/service-imports/${real.code}/revert`).expect(409)).body.message).toContain(
      `already being reverted by ${undone.code}`,
    );
    await forceStatus(t.dataSource, undone.code, 'Completed');
  });

  it('can be cancelled: what it undid stays undone and is counted', async () => {
    const before = await table();
    const imported = await importFile(upsertFile(), '');
    const res = await post(`/api/service-imports/${imported.code}/revert`).expect(202);
    for (;;) {
      const job = (await get(`/api/service-imports/${res.body.code}`).expect(200)).body;
      if (job.processedItems > 0 || FINAL.includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancel = await post(`/api/service-imports/${res.body.code}/cancel`);
    const job = await waitForEnd(res.body.code);
    if (cancel.status === 409) {
      expect(job.status).toBe('Completed'); // it finished first: then all of it is undone
    } else {
      expect(job.status).toBe('Cancelled');
      expect(job.revertedCount).toBeLessThan(imported.createdCount);
    }
    const left = (await table()).length - before.length;
    expect(left).toBe(imported.createdCount - Number(job.revertedCount));
  });
});
