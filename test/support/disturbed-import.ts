// What the specs that disturb a running import (kill -9, SIGTERM, ...) share: upload a file, let the
// spec interfere, wait for the end, and read back what the import left, to compare with a clean run.
import { fetchReport, JobBody, seedCatalog, upload, waitForEnd } from './imports';
import { readChangeLog } from './assignments';
import { createTestApp, TestApp } from './test-app';
import { API_BESIDE_WORKER_PROCESSES } from './worker-process';

export interface ImportResult {
  job: JobBody;
  report: string;
  /**
   * By default the assignments the import created, one `client/service/quantity/price/notes` string
   * each; what DisturbedImportOptions.records reads otherwise.
   */
  records: string[];
  /** The change log, when DisturbedImportOptions.changeLog asks for it (readChangeLog). */
  changes: string[];
}

export interface DisturbedImportOptions {
  /** The upload's query string, e.g. `?mode=upsert`. */
  query?: string;
  /** Reads what the run left in the assignments, once it has ended. */
  records?: (code: string) => Promise<string[]>;
  /**
   * Puts the assignments back as they were before the run, so the next starts from the same state.
   * Default: deletes them all (the specs that start from none).
   */
  reset?: () => Promise<void>;
  /** Read the run's change log too. */
  changeLog?: boolean;
  /** Starts the run and answers its code, instead of uploading the file (e.g. a revert). */
  start?: () => Promise<string>;
}

export interface JobRow {
  id: string;
  processed: number;
  status: string;
}

/** `testApp` is read at each call: specs create their app in beforeAll, after this is set up. */
export function disturbedImports(
  testApp: () => TestApp,
  csv: string | Buffer,
  options: DisturbedImportOptions = {},
) {
  async function jobRow(code: string): Promise<JobRow> {
    const [row] = await testApp().dataSource.query(
      `SELECT id, processed_items AS processed, status FROM service_import_jobs WHERE code = $1`,
      [code],
    );
    return row;
  }

  /** Resolves once the import has committed `atLeast` rows, or has ended. */
  async function waitForProgress(code: string, atLeast: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const p = await jobRow(code);
      if (p.processed >= atLeast || (p.status !== 'InProgress' && p.status !== 'Queued')) return;
      if (Date.now() > deadline) throw new Error(`import ${code} stuck at ${p.processed} rows (${p.status})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The assignments the import created (the default of DisturbedImportOptions.records). */
  async function createdRecords(code: string): Promise<string[]> {
    const rows: { r: string }[] = await testApp().dataSource.query(
      `SELECT c.code || '/' || s.code || '/' || a.quantity || '/' || a.unit_price || '/' || a.notes AS r
         FROM client_billable_services a
         JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
         JOIN service_import_jobs j ON j.id = a.import_job_id
        WHERE j.code = $1 ORDER BY 1`,
      [code],
    );
    return rows.map((r) => r.r);
  }

  /** Uploads the file (or `start`s), lets `disturb` interfere, waits for the end, then resets the assignments. */
  async function runImport(disturb: (code: string) => Promise<void>): Promise<ImportResult> {
    const t = testApp();
    const code = options.start
      ? await options.start()
      : ((await upload(t.app, csv, 'big.csv', options.query).expect(202)).body.code as string);
    await disturb(code);
    const job = await waitForEnd(t.app, code, 180_000);
    const report = job.notImportedDownloadUrl ? (await fetchReport(job.notImportedDownloadUrl)).text : '';
    const records = await (options.records ?? createdRecords)(code);
    const changes = options.changeLog ? await readChangeLog(t.dataSource, (await jobRow(code)).id) : [];
    // Leave the assignments as they were, so the next run starts from the same state.
    await (options.reset ?? (() => t.dataSource.query(`DELETE FROM client_billable_services`)))();
    return { job, report, records, changes };
  }

  return { jobRow, waitForProgress, runImport };
}

/**
 * The test app of a spec that disturbs WorkerProcesses (API_BESIDE_WORKER_PROCESSES, batches of 2000
 * rows unless `env` says otherwise), with the catalog of the file (support/big-file.ts) seeded.
 */
export async function appBesideWorkers(
  file: { clients: string[]; services: [string, string][] },
  env: Record<string, string> = {},
): Promise<TestApp> {
  const t = await createTestApp({ ...API_BESIDE_WORKER_PROCESSES, IMPORT_BATCH_SIZE: '2000', ...env });
  await seedCatalog(t.dataSource, file.clients, file.services);
  return t;
}

/** The environment of a spec that seeds and restores 100k assignments through the app's pool. */
export const SEEDS_MANY_ASSIGNMENTS = { DATABASE_STATEMENT_TIMEOUT_MS: '60000' };

/** A failed test must not leave a running import behind to disturb the next one. */
export async function cancelUnfinishedImports(t: TestApp): Promise<void> {
  await t.dataSource.query(
    `UPDATE service_import_jobs SET status = 'Cancelled' WHERE status IN ('Queued', 'InProgress')`,
  );
}

/** The counters and outcome of a job, without what differs from run to run (code, dates, links). */
export function jobCounters(j: JobBody) {
  return {
    status: j.status,
    totalItems: j.totalItems,
    processedItems: j.processedItems,
    createdCount: j.createdCount,
    updatedCount: j.updatedCount,
    unchangedCount: j.unchangedCount,
    skippedCount: j.skippedCount,
    errorCount: j.errorCount,
    // A revert's (0 for an import).
    revertedCount: j.revertedCount,
    keptCount: j.keptCount,
    goneCount: j.goneCount,
    failureReason: j.failureReason,
  };
}

/**
 * A disturbed run left exactly what a clean run of the same file did: counters, assignments, report,
 * change log. `createdOnly`: records are the assignments the run created (the default records).
 */
export function expectSameAsClean(result: ImportResult, clean: ImportResult, createdOnly = true): void {
  expect(jobCounters(result.job)).toEqual(jobCounters(clean.job));
  if (createdOnly) expect(result.records.length).toBe(clean.job.createdCount);
  expect(result.records).toEqual(clean.records);
  expect(result.report).toBe(clean.report);
  // Element by element first: a difference shows as the first record that differs, not a 100k-line diff.
  expect(result.changes.length).toBe(clean.changes.length);
  const first = result.changes.findIndex((c, i) => c !== clean.changes[i]);
  expect(
    first === -1 ? null : { at: first, got: result.changes[first], clean: clean.changes[first] },
  ).toBeNull();
}
