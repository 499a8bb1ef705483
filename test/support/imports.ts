import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';

export const FINAL = ['Completed', 'Failed', 'Cancelled'];

/** The header line of an import file, the columns in their documented order. */
export const HEADER = 'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes';

export interface JobBody {
  code: string;
  status: string;
  fileName: string;
  totalItems: number | null;
  processedItems: number;
  createdCount: number;
  skippedCount: number;
  errorCount: number;
  startedDate: string | null;
  completedDate: string | null;
  createdDate: string;
  notImportedDownloadUrl: string | null;
  failureReason: string | null;
  [extra: string]: unknown;
}

/** Creates clients and catalog services directly in the database. */
export async function seedCatalog(
  db: DataSource,
  clients: string[],
  services: [code: string, unitPrice: string][],
): Promise<void> {
  if (clients.length > 0) {
    await db.query(`INSERT INTO clients (code, name) SELECT c, 'Client ' || c FROM unnest($1::text[]) AS c`, [
      clients,
    ]);
  }
  if (services.length > 0) {
    await db.query(
      `INSERT INTO billable_services (code, name, unit_price)
       SELECT s, 'Service ' || s, p::numeric FROM unnest($1::text[], $2::text[]) AS t(s, p)`,
      [services.map((s) => s[0]), services.map((s) => s[1])],
    );
  }
}

/** The catalog of the small write-mode specs: clients C1 and C2, services S1 at 10.00 and S2 at 20.00. */
export function seedSmallCatalog(db: DataSource): Promise<void> {
  return seedCatalog(
    db,
    ['C1', 'C2'],
    [
      ['S1', '10.00'],
      ['S2', '20.00'],
    ],
  );
}

/** Puts the job in `status` behind the API's back, to see how an endpoint answers a job in that state. */
export async function forceStatus(db: DataSource, code: string, status: string): Promise<void> {
  await db.query(`UPDATE service_import_jobs SET status = $2 WHERE code = $1`, [code, status]);
}

export function upload(
  app: INestApplication,
  content: string | Buffer,
  fileName = 'services.csv',
  query = '',
) {
  return request(app.getHttpServer())
    .post(`/api/service-imports${query}`)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), fileName);
}

/** Polls until the job ends, checking the counter invariant at every poll. */
export async function waitForEnd(app: INestApplication, code: string, timeoutMs = 60_000): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app.getHttpServer()).get(`/api/service-imports/${code}`).expect(200);
    const job = res.body as JobBody;
    expectInvariant(job);
    if (FINAL.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Import ${code} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function expectInvariant(job: JobBody): void {
  const imported = job.createdCount + Number(job.updatedCount ?? 0) + Number(job.unchangedCount ?? 0);
  const reverted = Number(job.revertedCount ?? 0); // a revert's: always 0 for an import
  if (job.processedItems !== imported + reverted + job.skippedCount + job.errorCount) {
    throw new Error(
      `processedItems != created + updated + unchanged + reverted + skipped + errors in ${JSON.stringify(job)}`,
    );
  }
  if (job.status === 'Completed' && job.processedItems !== job.totalItems) {
    throw new Error(`Completed with processedItems != totalItems in ${JSON.stringify(job)}`);
  }
}

export async function uploadAndWait(
  app: INestApplication,
  content: string | Buffer,
  fileName?: string,
  query = '',
) {
  const res = await upload(app, content, fileName, query);
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return waitForEnd(app, res.body.code);
}

/** Downloads the not-imported report through the signed link, as a user would. */
export async function fetchReport(url: string): Promise<{ text: string; headers: Headers; bytes: Buffer }> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`report download answered ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { text: bytes.toString('utf8'), headers: res.headers, bytes };
}

/** Splits the report (our own writer's output: CRLF records, RFC 4180 quotes) into rows of cells. */
export function parseReport(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
