import type { AssignmentStage } from '../../../clients';
import type { ErrorReason } from '../../rules/row-rules';

/**
 * One batch, parsed and validated, ready to commit. Row data travels as blocks of bytes and typed
 * arrays, not as thousands of strings and objects: they cross from the parse worker thread without
 * a copy and stay off the main thread's heap, whose garbage collections would hold up its HTTP
 * answers.
 */
export interface ParsedBatch {
  /** Data rows this batch consumes (valid + invalid): the checkpoint advances by this much. */
  size: number;
  /** The valid rows, for the database. */
  stage: AssignmentStage;
  /**
   * The valid rows again, in the same order, with what the report of a row the database skips needs.
   * Row numbers ascend; row i's validRowDetail is `details` from byte ends[i-1] (0 for the first) to
   * ends[i].
   */
  valid: { rowNumbers: Uint32Array; details: Uint8Array; ends: Uint32Array };
  /** Rows whose values break a rule. */
  errors: {
    count: number;
    /** Rows per reason, for the metrics. */
    reasons: Partial<Record<ErrorReason, number>>;
    /** Their service_import_rows data (NotImportedRows). */
    lines: Uint8Array;
  };
}

/**
 * Gives up the memory of a committed batch's blocks now rather than at the next full GC. V8 counts
 * the bytes of live ArrayBuffers against the old generation's limit until a full (mark-compact) GC
 * finds them dead, and a batch lives long enough on the main thread (queued, then in the database)
 * to be promoted: every batch would bring the next full GC, and its pause of HTTP answers, closer.
 * Detaching a buffer (transferring it into a clone that is dropped) returns its bytes at once.
 * Only for a batch that will not be sent again.
 */
export function releaseBatch(batch: ParsedBatch): void {
  const buffers = transferables(batch).filter((buffer) => buffer.byteLength > 0);
  structuredClone(buffers, { transfer: buffers });
}

/** The buffers of `batch` that postMessage can move instead of copying. */
export function transferables(batch: ParsedBatch): ArrayBuffer[] {
  return [
    batch.stage.bytes.buffer,
    batch.valid.rowNumbers.buffer,
    batch.valid.details.buffer,
    batch.valid.ends.buffer,
    batch.errors.lines.buffer,
  ] as ArrayBuffer[];
}
