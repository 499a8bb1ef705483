/**
 * The not-imported rows of a batch, as the elements of one JSON array that a single INSERT unpacks
 * into service_import_rows. Rows that break a rule are rendered where the file is parsed (the parse
 * thread); a valid row carries its codes and uploaded values ready-made (validRowDetail), so when
 * the database skips it the main thread only frames bytes it already has: nothing decoded, no
 * array parameters escaped, hardly anything left on the heap of the thread that answers HTTP.
 * (Not COPY: this runs under the job row lock, and a COPY waiting for the data of a
 * frozen client is not ended by statement_timeout; see AssignmentBulkService.stage.)
 */
import type { ClientBase } from 'pg';
import { ByteWriter } from '../../../common/byte-writer';
import type { AssignmentRejection } from '../../../clients/assignment-bulk.service';
import {
  duplicateMessage,
  ErrorReason,
  mergedRangeMessage,
  SKIP_MESSAGES,
  SKIP_REASONS,
  SkipReason,
} from '../../rules/row-rules';

const TAB = 0x09;

/**
 * What the report of a valid row needs if the database skips it: the client code and the service
 * code as written, then the uploaded values as a JSON array, tab-separated. The codes are JSON
 * string contents (escaped, without quotes), so the message can be framed around them as they are;
 * JSON never holds a raw tab.
 */
export function validRowDetail(clientCode: string, serviceCode: string, fields: string[]): string {
  return `${jsonContent(clientCode)}\t${jsonContent(serviceCode)}\t${JSON.stringify(fields)}`;
}

function jsonContent(text: string): string {
  const json = JSON.stringify(text);
  return json.slice(1, json.length - 1);
}

/** A skip message as JSON, cut where its codes go: JSON escapes character by character. */
type MessageTemplate = (Buffer | 'client' | 'service')[];

const CLIENT_MARK = '\u0001';
const SERVICE_MARK = '\u0002';

function messageTemplate(reason: SkipReason): MessageTemplate {
  const json = JSON.stringify(SKIP_MESSAGES[reason](CLIENT_MARK, SERVICE_MARK));
  const parts: MessageTemplate = [];
  for (const piece of json.split(/(\\u0001|\\u0002)/)) {
    if (piece === jsonContent(CLIENT_MARK)) parts.push('client');
    else if (piece === jsonContent(SERVICE_MARK)) parts.push('service');
    else if (piece !== '') parts.push(Buffer.from(piece));
  }
  return parts;
}

/** Per skip reason: the bytes after the row number, and the message. */
const SKIPPED = new Map(
  SKIP_REASONS.map((reason) => [
    reason,
    { head: Buffer.from(`,"Skipped","${reason}",`), message: messageTemplate(reason) },
  ]),
);

const OPEN = Buffer.from('[');
const COMMA_OPEN = Buffer.from(',[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

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

  /**
   * A valid row the database did not create; its validRowDetail is bytes `start` to `end` of
   * `details`. Copies bytes only: nothing is decoded, nothing is left on the heap.
   */
  skipped(rowNumber: number, reason: SkipReason, details: Uint8Array, start: number, end: number): void {
    const afterClient = details.indexOf(TAB, start);
    const afterService = details.indexOf(TAB, afterClient + 1);
    const { head, message } = SKIPPED.get(reason)!;
    this.out.writeBytes(this.rows++ === 0 ? OPEN : COMMA_OPEN);
    this.out.writeUint(rowNumber);
    this.out.writeBytes(head);
    for (const part of message) {
      if (part === 'client') this.out.writeBytes(details, start, afterClient);
      else if (part === 'service') this.out.writeBytes(details, afterClient + 1, afterService);
      else this.out.writeBytes(part);
    }
    this.out.writeBytes(COMMA);
    this.out.writeBytes(details, afterService + 1, end);
    this.out.writeBytes(CLOSE);
  }

  /** A valid row the database did not write (AssignmentBulkService's rejection), from its detail bytes. */
  rejected(row: AssignmentRejection, details: Uint8Array, start: number, end: number): void {
    if (row.reason !== 'DUPLICATE_IN_FILE' && row.reason !== 'INVALID_DATE_RANGE') {
      return this.skipped(row.rowNumber, row.reason, details, start, end);
    }
    // Rare rows, with a message of their own: decoding their codes costs nothing that matters.
    const afterClient = details.indexOf(TAB, start);
    const afterService = details.indexOf(TAB, afterClient + 1);
    const code = (from: number, to: number) =>
      JSON.parse(`"${Buffer.from(details.subarray(from, to)).toString()}"`);
    const clientCode: string = code(start, afterClient);
    const serviceCode: string = code(afterClient + 1, afterService);
    const [outcome, message] =
      row.reason === 'DUPLICATE_IN_FILE'
        ? ['Skipped', duplicateMessage(clientCode, serviceCode, row.firstRow)]
        : ['Error', mergedRangeMessage(row.startDate, row.endDate)];
    this.out.writeBytes(this.rows++ === 0 ? OPEN : COMMA_OPEN);
    this.out.write(`${row.rowNumber},"${outcome}","${row.reason}",${JSON.stringify(message)},`);
    this.out.writeBytes(details, afterService + 1, end);
    this.out.writeBytes(CLOSE);
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
