/**
 * The report thread: reads an import's not-imported rows (or its change records) page by page on a
 * connection of its own, formats the report (or the change log file) and sends it to the main thread
 * in chunks. Runs off the main thread, under a heap limit of its own (ReportWriter), so that no
 * report, whatever its rows, can exhaust the heap of the process that also answers HTTP: at worst
 * this thread ends and the run is retried.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { Client } from 'pg';
import { readChangePage } from '../../../../clients';
import type { QueryRows } from '../../../../common/bytes-bounded-page';
import { readNotImportedPage } from '../../../rows/not-imported-page';
import { changeLines } from './change-lines';
import { FromReportThread, MAX_CHUNKS_AHEAD, ReportJob, ToReportThread } from './report-protocol';
import { PAGE_BYTES, PAGE_ROWS, reportBytesPerRow, reportLines } from './report-lines';

try {
  setPriority(10); // as the parse thread: the HTTP API of the same process comes first
} catch {
  // not permitted here: normal priority
}

const port = parentPort!;
const post = (message: FromReportThread, transfer?: ArrayBuffer[]): void =>
  port.postMessage(message, transfer);

const encoder = new TextEncoder();
let ahead = 0;
let resume: (() => void) | null = null;

async function write(job: ReportJob): Promise<void> {
  const db = new Client({ connectionString: job.databaseUrl });
  db.on('error', () => undefined); // reported by the query that meets it
  await db.connect();
  try {
    // Every page is the next PAGE_ROWS of one job's rows in row order: an ordered scan of the primary
    // key (job or change set, row_number) that stops at the page's end. The tables are written during
    // the run and not analyzed yet, so the planner guesses a few rows for the job and picks a bitmap
    // scan of ALL the job's rows after the cursor plus a sort, page after page: quadratic in the rows
    // (3 s of a 200k-row upsert's change log, against 0.2 s). This connection reads only such pages.
    await db.query('SET enable_bitmapscan = off');
    const lines = linesOf(job, (sql, params) => db.query(sql, params).then((r) => r.rows));
    for await (const text of lines) {
      const bytes = encoder.encode(text); // its own ArrayBuffer, never a shared pool's: safe to transfer
      post({ type: 'chunk', bytes }, [bytes.buffer]);
      if (++ahead >= MAX_CHUNKS_AHEAD) await new Promise<void>((r) => (resume = r));
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}

function linesOf(job: ReportJob, query: QueryRows): AsyncGenerator<string> {
  const page = { maxRows: PAGE_ROWS, maxBytes: PAGE_BYTES };
  if (job.kind === 'changes') {
    return changeLines((after) => readChangePage(query, { changeSet: job.importId, after, ...page }));
  }
  const bytesPerRow = reportBytesPerRow(job.header.length);
  const { withOrigins } = job;
  return reportLines(
    job.header,
    (after) => readNotImportedPage(query, { jobId: job.importId, after, bytesPerRow, withOrigins, ...page }),
    withOrigins,
  );
}

port.on('message', (message: ToReportThread) => {
  if (message.type === 'ack') {
    ahead--;
    const wake = resume;
    resume = null;
    wake?.();
    return;
  }
  write(message.job).then(
    () => post({ type: 'done' }),
    (error: Error) => post({ type: 'error', message: error.message }),
  );
});
