/**
 * The not-imported rows of a batch, as the elements of one JSON array that a single INSERT unpacks
 * into service_import_rows. Rows that break a rule are rendered where the file is parsed (the parse
 * thread); a valid row carries its codes and uploaded values ready-made (validRowDetail), so when
 * the database skips it the main thread only frames bytes it already has: no JSON parsed beyond the
 * two codes, no array parameters escaped, hardly anything left on the heap of the thread that
 * answers HTTP. (Not COPY: this runs under the job row lock, and a COPY waiting for the data of a
 * frozen client is not ended by statement_timeout; see AssignmentBulkService.stage.)
 */
import type { ClientBase } from 'pg';
import { ByteWriter } from '../../common/byte-writer';
import { ErrorReason, SKIP_MESSAGES, SkipReason } from '../csv/row-rules';

const TAB = 0x09;

/**
 * What the report of a valid row needs if the database skips it: `[clientCode, serviceCode]` (as
 * written), a tab, then the uploaded values, both as JSON (which never holds a raw tab).
 */
export function validRowDetail(clientCode: string, serviceCode: string, fields: string[]): string {
  return `${JSON.stringify([clientCode, serviceCode])}\t${JSON.stringify(fields)}`;
}

/**
 * Builds one batch's not-imported rows: comma-separated JSON arrays
 * `[rowNumber, outcome, reason, message, [values...]]`, in the order they are added.
 */
export class NotImportedRows {
  private readonly out = new ByteWriter(16 * 1024);
  private rows = 0;

  get count(): number {
    return this.rows;
  }

  error(rowNumber: number, reason: ErrorReason, message: string, fields: string[]): void {
    this.out.write(
      `${this.rows++ === 0 ? '' : ','}[${rowNumber},"Error","${reason}",${JSON.stringify(message)},` +
        `${JSON.stringify(fields)}]`,
    );
  }

  /** A valid row the database did not create; `detail` is its validRowDetail, as UTF-8. */
  skipped(rowNumber: number, reason: SkipReason, detail: Buffer): void {
    const tab = detail.indexOf(TAB);
    const [clientCode, serviceCode] = JSON.parse(detail.toString('utf8', 0, tab)) as [string, string];
    const message = SKIP_MESSAGES[reason](clientCode, serviceCode);
    this.out.write(
      `${this.rows++ === 0 ? '' : ','}[${rowNumber},"Skipped","${reason}",${JSON.stringify(message)},`,
    );
    this.out.writeBytes(detail.subarray(tab + 1));
    this.out.write(']');
  }

  /** The rows so far; the builder starts over. */
  take(): Uint8Array {
    this.rows = 0;
    return this.out.take();
  }
}

/**
 * Inserts the rows of NotImportedRows blocks into service_import_rows, on the caller's transaction,
 * with one statement: the rows go as one bytea parameter (sent as it is, in binary) that PostgreSQL
 * reads as JSON.
 */
export async function insertNotImported(db: ClientBase, jobId: string, blocks: Uint8Array[]): Promise<void> {
  const array: Uint8Array[] = [];
  for (const block of blocks) {
    if (block.byteLength === 0) continue;
    array.push(array.length === 0 ? OPEN : COMMA, block);
  }
  if (array.length === 0) return;
  array.push(CLOSE);
  await db.query(
    `INSERT INTO service_import_rows (job_id, row_number, outcome, reason, message, "values")
     SELECT $1, (r->>0)::int, r->>1, r->>2, r->>3, r->4
       FROM jsonb_array_elements(convert_from($2::bytea, 'UTF8')::jsonb) r`,
    [jobId, Buffer.concat(array)],
  );
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
