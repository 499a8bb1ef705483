/**
 * The row-by-row importer most teams write first, kept only as the benchmark's baseline: for every
 * row, find the client, find the service, check for an existing assignment, insert — four round
 * trips, one row at a time, no batching. Deliberately not optimised; do not use it for anything else.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'fast-csv';
import type { Pool } from 'pg';

export interface NaiveResult {
  rows: number;
  created: number;
  skipped: number;
  errors: number;
  seconds: number;
}

type CsvRow = Record<string, string>;

/** Imports the first `maxRows` data rows of `path`. */
export async function runNaiveImport(pool: Pool, path: string, maxRows: number): Promise<NaiveResult> {
  const result: NaiveResult = { rows: 0, created: 0, skipped: 0, errors: 0, seconds: 0 };
  const started = performance.now();
  const source = createReadStream(path);
  const rows = source.pipe(parse<CsvRow, CsvRow>({ headers: true, trim: true, ignoreEmpty: true }));
  try {
    for await (const row of rows as AsyncIterable<CsvRow>) {
      if (result.rows === maxRows) break;
      result.rows++;
      const outcome = await importRow(pool, row);
      result[outcome]++;
    }
  } finally {
    source.destroy();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function importRow(pool: Pool, row: CsvRow): Promise<'created' | 'skipped' | 'errors'> {
  const values = validate(row);
  if (!values) return 'errors';
  const client = await pool.query<{ id: string; is_active: boolean }>(
    'SELECT id, is_active FROM clients WHERE lower(code) = lower($1)',
    [row.clientCode],
  );
  if (client.rows.length === 0 || !client.rows[0].is_active) return 'skipped';
  const service = await pool.query<{ id: string; unit_price: string }>(
    'SELECT id, unit_price FROM billable_services WHERE lower(code) = lower($1)',
    [row.serviceCode],
  );
  if (service.rows.length === 0) return 'skipped';
  const existing = await pool.query(
    'SELECT 1 FROM client_billable_services WHERE client_id = $1 AND billable_service_id = $2',
    [client.rows[0].id, service.rows[0].id],
  );
  if (existing.rows.length > 0) return 'skipped';
  await pool.query(
    `INSERT INTO client_billable_services
       (client_id, billable_service_id, quantity, unit_price, start_date, end_date, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      client.rows[0].id,
      service.rows[0].id,
      values.quantity,
      values.unitPrice ?? service.rows[0].unit_price,
      values.startDate,
      values.endDate,
      values.notes,
    ],
  );
  return 'created';
}

interface RowValues {
  quantity: number;
  unitPrice: string | null;
  startDate: string | null;
  endDate: string | null;
  notes: string | null;
}

/** The service's row rules, in their simplest form; null means the row is an error. */
function validate(row: CsvRow): RowValues | null {
  if (!row.clientCode || !row.serviceCode) return null;
  const quantity = row.quantity ? (/^\d+$/.test(row.quantity) ? Number(row.quantity) : 0) : 1;
  if (quantity < 1) return null;
  if (row.unitPrice && !/^\d+(\.\d{1,2})?$/.test(row.unitPrice)) return null;
  const startDate = row.startDate || null;
  const endDate = row.endDate || null;
  if ((startDate && !isDate(startDate)) || (endDate && !isDate(endDate))) return null;
  if (startDate && endDate && endDate < startDate) return null;
  return { quantity, unitPrice: row.unitPrice || null, startDate, endDate, notes: row.notes || null };
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
