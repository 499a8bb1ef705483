/**
 * The rows of one batch to assign, as COPY text for AssignmentBulkService's staging table. Built row
 * by row where the file is parsed (a worker thread), so the batch crosses to the database connection
 * as one block of bytes instead of thousands of objects. Codes are matched case-insensitively.
 */
import { ByteWriter } from '../common/byte-writer';

/** One batch's staging rows; plain data, so it can be posted (and its bytes transferred) between threads. */
export interface AssignmentStage {
  /** COPY text format in UTF-8, one line per row: rn, first, cc, sc, qty, price, sd, ed, notes. */
  bytes: Uint8Array;
  count: number;
}

/** One row to assign, already validated. */
export interface AssignmentRow {
  rowNumber: number;
  clientCode: string;
  serviceCode: string;
  quantity: number | null;
  /** "12.50"; null takes the catalog price. */
  unitPrice: string | null;
  startDate: string | null;
  endDate: string | null;
  notes: string | null;
}

/**
 * Builds consecutive batches. Only the first row of a (client, service) pair may be inserted: a row
 * whose pair occurred earlier in its batch, or in the batch before it, is staged with "first" false
 * and ends ALREADY_ASSIGNED once its pair exists. Looking one batch back lets two consecutive
 * batches run in the database at once (ImportEngine) without competing for a pair, so the earlier
 * row of a file always wins, as in a one-batch-at-a-time import.
 */
export class AssignmentStageBuilder {
  /** Pairs of this batch's rows. */
  private seen = new Set<string>();
  /** Pairs of the previous batch's rows. */
  private previous = new Set<string>();
  private readonly out = new ByteWriter();
  private count = 0;

  add(row: AssignmentRow): void {
    const cc = row.clientCode.toLowerCase();
    const sc = row.serviceCode.toLowerCase();
    const pair = `${cc}\u0000${sc}`;
    const first = !this.seen.has(pair) && !this.previous.has(pair);
    this.seen.add(pair);
    this.count++;
    this.out.write(
      `${row.rowNumber}\t${first ? 't' : 'f'}\t${copyValue(cc)}\t${copyValue(sc)}\t` +
        `${row.quantity === null ? '\\N' : row.quantity}\t${row.unitPrice ?? '\\N'}\t` +
        `${row.startDate ?? '\\N'}\t${row.endDate ?? '\\N'}\t${row.notes === null ? '\\N' : copyValue(row.notes)}\n`,
    );
  }

  /** The rows added so far; the builder starts the next batch. */
  build(): AssignmentStage {
    const stage = { bytes: this.out.take(), count: this.count };
    this.count = 0;
    this.previous = this.seen;
    this.seen = new Set<string>();
    return stage;
  }
}

/** The staging rows of `rows`, in order. */
export function stageAssignments(rows: AssignmentRow[]): AssignmentStage {
  const builder = new AssignmentStageBuilder();
  for (const row of rows) builder.add(row);
  return builder.build();
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyValue(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]) : value;
}
