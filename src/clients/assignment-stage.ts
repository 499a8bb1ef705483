/**
 * The rows of one batch to assign, as COPY text for AssignmentBulkService's staging table. Built row
 * by row where the file is parsed (a worker thread), so the batch crosses to the database connection
 * as one block of bytes instead of thousands of objects. Codes are matched case-insensitively.
 */
import { ByteWriter } from '../common/byte-writer';

/** One batch's staging rows; plain data, so it can be posted (and its bytes transferred) between threads. */
export interface AssignmentStage {
  /** COPY text format in UTF-8, one line per row: rn, first, deferred, cc, sc, qty, price, sd, ed, notes, clr. */
  bytes: Uint8Array;
  count: number;
  /** Rows staged as deferred: their pair was also in the batch before (every row of such a pair). */
  deferred: number;
}

/** The values of one assignment, already validated (the CSV row rules produce them). */
export interface AssignmentValues {
  clientCode: string;
  serviceCode: string;
  /** null: not given (the default, 1, is applied when inserted). */
  quantity: number | null;
  /** Normalised to two decimals ("12.50"); null: not given (the catalog price applies). */
  unitPrice: string | null;
  /** YYYY-MM-DD */
  startDate: string | null;
  endDate: string | null;
  notes: string | null;
  /** Fields to clear (CLEAR bits), upsert and update only; their value above is null. */
  clear: number;
}

/** Bits of AssignmentValues.clear. */
export const CLEAR = { startDate: 1, endDate: 2, notes: 4 } as const;

/** One row to assign. */
export interface AssignmentRow extends AssignmentValues {
  rowNumber: number;
}

/**
 * Builds consecutive batches. Only the first row of a (client, service) pair in a batch may be
 * written ("first"); later rows of the pair end ALREADY_ASSIGNED (create) or DUPLICATE_IN_FILE once
 * it is handled. The rows of a pair that also occurred in the batch before are "deferred": they are
 * resolved only once that batch has committed (AssignmentBulkService.assignDeferred). So two
 * consecutive batches can run in the database at once (ImportEngine) without competing for a pair,
 * and each row still gets the answer one batch at a time would give it.
 */
export class AssignmentStageBuilder {
  /** Pairs of this batch's rows. */
  private seen = new Set<string>();
  /** Pairs of the previous batch's rows. */
  private previous = new Set<string>();
  private readonly out = new ByteWriter();
  private count = 0;
  private deferred = 0;

  add(row: AssignmentRow): void {
    const cc = row.clientCode.toLowerCase();
    const sc = row.serviceCode.toLowerCase();
    const pair = `${cc}\u0000${sc}`;
    const first = !this.seen.has(pair);
    const deferred = this.previous.has(pair);
    if (first) this.seen.add(pair);
    if (deferred) this.deferred++;
    this.count++;
    this.out.write(
      `${row.rowNumber}\t${first ? 't' : 'f'}\t${deferred ? 't' : 'f'}\t${copyValue(cc)}\t${copyValue(sc)}\t` +
        `${row.quantity === null ? '\\N' : row.quantity}\t${row.unitPrice ?? '\\N'}\t` +
        `${row.startDate ?? '\\N'}\t${row.endDate ?? '\\N'}\t${row.notes === null ? '\\N' : copyValue(row.notes)}\t` +
        `${row.clear}\n`,
    );
  }

  /** The rows added so far; the builder starts the next batch. */
  build(): AssignmentStage {
    const stage = { bytes: this.out.take(), count: this.count, deferred: this.deferred };
    this.count = 0;
    this.deferred = 0;
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
