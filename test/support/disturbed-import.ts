// What the specs that disturb a running import (kill -9, SIGTERM, ...) share: upload a file, let the
// spec interfere, wait for the end, and read back what the import left, to compare with a clean run.
import { fetchReport, JobBody, upload, waitForEnd } from './imports';
import { TestApp } from './test-app';

export interface ImportResult {
  job: JobBody;
  report: string;
  /** The assignments the import created, one `client/service/quantity/price/notes` string each. */
  records: string[];
}

export interface JobRow {
  id: string;
  processed: number;
  status: string;
}

/** `testApp` is read at each call: specs create their app in beforeAll, after this is set up. */
export function disturbedImports(testApp: () => TestApp, csv: string | Buffer) {
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

  /** Uploads the file, lets `disturb` interfere, waits for the end, then removes what it created. */
  async function runImport(disturb: (code: string) => Promise<void>): Promise<ImportResult> {
    const t = testApp();
    const res = await upload(t.app, csv, 'big.csv').expect(202);
    const code = res.body.code as string;
    await disturb(code);
    const job = await waitForEnd(t.app, code, 180_000);
    const report = job.notImportedDownloadUrl ? (await fetchReport(job.notImportedDownloadUrl)).text : '';
    const rows: { r: string }[] = await t.dataSource.query(
      `SELECT c.code || '/' || s.code || '/' || a.quantity || '/' || a.unit_price || '/' || a.notes AS r
         FROM client_billable_services a
         JOIN clients c ON c.id = a.client_id JOIN billable_services s ON s.id = a.billable_service_id
         JOIN service_import_jobs j ON j.id = a.import_job_id
        WHERE j.code = $1 ORDER BY 1`,
      [code],
    );
    // Leave the catalog as it was, so the next run starts from the same state.
    await t.dataSource.query(`DELETE FROM client_billable_services`);
    return { job, report, records: rows.map((r) => r.r) };
  }

  return { jobRow, waitForProgress, runImport };
}

/** The counters and outcome of a job, without what differs from run to run (code, dates, links). */
export function jobCounters(j: JobBody) {
  return {
    status: j.status,
    totalItems: j.totalItems,
    processedItems: j.processedItems,
    createdCount: j.createdCount,
    skippedCount: j.skippedCount,
    errorCount: j.errorCount,
    failureReason: j.failureReason,
  };
}

/** A disturbed run left exactly what a clean run of the same file did: counters, assignments, report. */
export function expectSameAsClean(result: ImportResult, clean: ImportResult): void {
  expect(jobCounters(result.job)).toEqual(jobCounters(clean.job));
  expect(result.records.length).toBe(clean.job.createdCount);
  expect(result.records).toEqual(clean.records);
  expect(result.report).toBe(clean.report);
}
