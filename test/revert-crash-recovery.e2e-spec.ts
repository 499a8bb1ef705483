// kill -9 of the worker in the middle of a revert (issue 15, Reliability): a revert of a 200k-row
// upsert import (it created some assignments and updated others stored before) resumes from its last
// committed batch and must end exactly as a clean revert does: the same table, counters, not-reverted
// report and change log, each change undone once. Some of what the import wrote changed after it (a
// later import, an edit outside any import) or was deleted, so the revert also keeps (CHANGED_SINCE)
// and reports GONE. The import runs once; each revert starts from the same post-import table (ids
// too), restored from a snapshot, with the revert before it deleted (a real import is reverted once).
import request from 'supertest';
import { byPair, type StoredAssignment } from './support/assignment-model';
import {
  readAssignments,
  restoreAssignments,
  seedAssignments,
  snapshotAssignments,
} from './support/assignments';
import { bigUpsertFile } from './support/big-file';
import {
  appBesideWorkers,
  disturbedImports,
  expectSameAsClean,
  ImportResult,
  SEEDS_MANY_ASSIGNMENTS,
} from './support/disturbed-import';
import { JobBody, parseReport, upload, waitForEnd } from './support/imports';
import { TestApp } from './support/test-app';
import { WorkerFleet } from './support/worker-process';

const ROWS = 200_000;

interface Picked {
  client: string;
  service: string;
  id: string;
}

const pairOf = (a: { client: string; service: string }) => `${a.client}/${a.service}`;

describe('crash-safe reverts (e2e, worker processes)', () => {
  let t: TestApp;
  const workers = new WorkerFleet(() => t.config);
  const file = bigUpsertFile(ROWS);
  let before: StoredAssignment[];
  let afterImport: StoredAssignment[];
  let imported: JobBody;
  let importId: string;
  /** What changed after the import, by pair: a later import, an edit by hand, a delete. */
  const later = new Set<string>();
  const edited = new Set<string>();
  const gone = new Set<string>();
  let laterCode: string;
  let clean: ImportResult;
  /** The lease of the revert the last reset deleted: how many deliveries ran it. */
  let lastLease = 0;

  beforeAll(async () => {
    // The workers keep the default statement timeout.
    t = await appBesideWorkers(file, SEEDS_MANY_ASSIGNMENTS);
    before = await seedAssignments(t.dataSource, file.stored);
    const worker = await startWorker();
    imported = await importAndWait(file.csv);
    [{ id: importId }] = await t.dataSource.query(`SELECT id FROM service_import_jobs WHERE code = $1`, [
      imported.code,
    ]);
    await changeAfterImport();
    afterImport = await readAssignments(t.dataSource);
    await snapshotAssignments(t.dataSource);
    clean = await runRevert(async () => undefined);
    await worker.stop();
  }, 600_000);
  afterEach(() => workers.stopAll());
  // DROP DATABASE waits for a checkpoint: long on a PostgreSQL that other specs keep busy.
  afterAll(() => t.close(), 300_000);

  const startWorker = () => workers.start();

  async function importAndWait(csv: string): Promise<JobBody> {
    const res = await upload(t.app, csv, 'big.csv', '?mode=upsert').expect(202);
    return waitForEnd(t.app, res.body.code, 300_000);
  }

  /** Change records of the import picked by `where`, and the assignments they name. */
  const pick = (where: string): Promise<Picked[]> =>
    t.dataSource.query(
      `SELECT client_code AS client, service_code AS service, assignment_id AS id FROM assignment_changes
        WHERE change_set = $1 AND ${where} ORDER BY row_number`,
      [importId],
    );

  /** Some of what the import wrote changes after it, in three ways the revert must not undo. */
  async function changeAfterImport(): Promise<void> {
    const deleted = await pick(`row_number % 97 = 0`);
    await t.dataSource.query(`DELETE FROM client_billable_services WHERE id = ANY($1::uuid[])`, [
      deleted.map((p) => p.id),
    ]);
    deleted.forEach((p) => gone.add(pairOf(p)));
    const byHand = await pick(`action = 'Created' AND row_number % 89 = 0 AND row_number % 97 <> 0`);
    await t.dataSource.query(
      `UPDATE client_billable_services SET notes = 'edited by hand' WHERE id = ANY($1::uuid[])`,
      [byHand.map((p) => p.id)],
    );
    byHand.forEach((p) => edited.add(pairOf(p)));
    const again = await pick(`action = 'Updated' AND row_number % 83 = 0 AND row_number % 97 <> 0`);
    const csv = ['clientCode,serviceCode,quantity', ...again.map((p) => `${p.client},${p.service},77`)];
    const laterJob = await importAndWait(csv.join('\n') + '\n');
    expect(laterJob.updatedCount).toBe(again.length);
    laterCode = laterJob.code;
    again.forEach((p) => later.add(pairOf(p)));
    for (const set of [gone, edited, later]) expect(set.size).toBeGreaterThan(100);
  }

  /** The post-import table again (ids and all), and no revert of the import (it can run again). */
  async function resetToAfterImport(): Promise<void> {
    const revertOf = `SELECT id FROM service_import_jobs WHERE reverts_id = $1 AND NOT dry_run`;
    // The worker writes the change log file just after completing: let it finish with the records.
    for (const deadline = Date.now() + 60_000; ;) {
      const [job] = await t.dataSource.query(
        `SELECT lease, changes_file_pending AS pending FROM service_import_jobs WHERE id IN (${revertOf})`,
        [importId],
      );
      lastLease = job.lease;
      if (!job.pending) break;
      if (Date.now() > deadline) throw new Error('the revert change log file is still pending');
      await new Promise((r) => setTimeout(r, 100));
    }
    await restoreAssignments(t.dataSource);
    await t.dataSource.query(`DELETE FROM assignment_changes WHERE change_set IN (${revertOf})`, [importId]);
    await t.dataSource.query(`DELETE FROM service_import_jobs WHERE id IN (${revertOf})`, [importId]);
  }

  /** An assignment as compared between reverts: the ids are restored each time, the revert's code is new. */
  const recordOf = (a: StoredAssignment, code: string) =>
    [
      a.id,
      a.client,
      a.service,
      a.quantity,
      a.unitPrice,
      a.startDate,
      a.endDate,
      a.notes,
      a.importCode === code ? '(this revert)' : a.importCode,
    ].join('/');

  const { waitForProgress, runImport: runRevert } = disturbedImports(() => t, '', {
    start: async () =>
      (await request(t.app.getHttpServer()).post(`/api/service-imports/${imported.code}/revert`).expect(202))
        .body.code,
    records: async (code) => (await readAssignments(t.dataSource)).map((a) => recordOf(a, code)),
    reset: resetToAfterImport,
    changeLog: true,
  });

  /** Element by element: a difference shows as the first that differs, not a 100k-line diff. */
  function expectSameList(got: string[], want: string[]): void {
    const first = got.findIndex((g, i) => g !== want[i]);
    expect(first === -1 ? null : { at: first, got: got[first], want: want[first] }).toBeNull();
    expect(got.length).toBe(want.length);
  }

  /** One record per undone change: no assignment deleted or restored twice, none that was kept or gone. */
  function expectEachUndoneOnce(result: ImportResult, importChanges: Map<number, string>): void {
    const ids = new Set<string>();
    for (const line of result.changes) {
      const record = JSON.parse(line);
      const forward = JSON.parse(importChanges.get(record.rowNumber)!);
      expect([record.action, record.assignmentId]).toEqual([
        forward.action === 'Created' ? 'Deleted' : 'Restored',
        forward.assignmentId,
      ]);
      expect(ids.has(record.assignmentId) ? record.assignmentId : null).toBeNull();
      ids.add(record.assignmentId);
    }
    expect(ids.size).toBe(result.job.revertedCount);
  }

  it('a clean revert puts the table back as before the import, except what changed since', async () => {
    const total = imported.createdCount + Number(imported.updatedCount);
    const kept = edited.size + later.size;
    expect(clean.job).toMatchObject({
      status: 'Completed',
      kind: 'revert',
      totalItems: total,
      processedItems: total,
      revertedCount: total - kept - gone.size,
      keptCount: kept,
      goneCount: gone.size,
      skippedCount: kept + gone.size,
    });
    expect(imported.createdCount).toBeGreaterThan(ROWS / 10);
    expect(imported.updatedCount).toBeGreaterThan(ROWS / 10);

    // The table: what changed since as it was left, everything else as before the import.
    const changedSince = (p: string) => gone.has(p) || edited.has(p) || later.has(p);
    const [{ ids: updatedIds }] = await t.dataSource.query(
      `SELECT array_agg(assignment_id) AS ids FROM assignment_changes WHERE change_set = $1 AND action = 'Updated'`,
      [importId],
    );
    const restored = new Set<string>(updatedIds);
    const expected = [
      ...before.filter((a) => !changedSince(pairOf(a))),
      ...afterImport.filter((a) => changedSince(pairOf(a))),
    ]
      .map((a) => ({
        ...a,
        importCode: restored.has(a.id!) && !changedSince(pairOf(a)) ? '(this revert)' : a.importCode,
      }))
      .sort(byPair);
    expectSameList(
      clean.records,
      expected.map((a) => recordOf(a, '(this revert)')),
    );

    // The not-reverted report: every pair that changed since, with why.
    const reasons = parseReport(clean.report)
      .slice(1)
      .map(([, client, service, , reason, message]) => `${client}/${service} ${reason} ${message}`)
      .sort();
    const why = (p: string) =>
      gone.has(p)
        ? 'GONE The assignment no longer exists: it was deleted after the import.'
        : later.has(p)
          ? `CHANGED_SINCE Kept as it is: import ${laterCode} changed the assignment after this one.`
          : 'CHANGED_SINCE Kept as it is: the assignment was changed after the import, outside an import.';
    expect(reasons).toEqual([...gone, ...edited, ...later].map((p) => `${p} ${why(p)}`).sort());
    expectEachUndoneOnce(clean, await importChangeLog());
  });

  it('kill -9 of the worker at 25%, 50% and 75% ends exactly as a clean revert', async () => {
    const first = await startWorker();
    const result = await runRevert(async (code) => {
      await workers.killAt(first, [0.25, 0.5, 0.75], (share) =>
        waitForProgress(code, clean.job.totalItems! * share),
      );
    });
    // Four workers took the revert in turn: each kill fell inside it, not after it.
    expect(lastLease).toBeGreaterThanOrEqual(4);
    expectSameAsClean(result, clean, false);
    expectEachUndoneOnce(result, await importChangeLog());
  });

  /** The import's change records by row number, as readChangeLog shows them (ids kept). */
  async function importChangeLog(): Promise<Map<number, string>> {
    const rows: { n: number; id: string; action: string }[] = await t.dataSource.query(
      `SELECT row_number AS n, assignment_id AS id, action FROM assignment_changes WHERE change_set = $1`,
      [importId],
    );
    return new Map(rows.map((r) => [r.n, JSON.stringify({ action: r.action, assignmentId: r.id })]));
  }
});
