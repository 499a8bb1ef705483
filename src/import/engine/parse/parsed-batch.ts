import type { AssignmentStage } from '../../../clients/assignment-stage';

/** A data row that will not be imported, with everything the report needs. */
export interface RejectedRow {
  rowNumber: number;
  outcome: 'Skipped' | 'Error';
  reason: string;
  message: string;
  /** The row's uploaded fields, as a JSON array. */
  valuesJson: string;
}

/**
 * One batch, parsed and validated, ready to commit. Plain data (strings and arrays) so that it
 * crosses from the parse worker thread cheaply.
 */
export interface ParsedBatch {
  /** Data rows this batch consumes (valid + invalid): the checkpoint advances by this much. */
  size: number;
  /** The valid rows, for the database. */
  stage: AssignmentStage;
  /**
   * The valid rows again, in the same order, with what a report of a row the database skips needs.
   * Row numbers ascend; row i's details are `details` from byte ends[i-1] (0 for the first) to ends[i]:
   * UTF-8 JSON `[clientCode, serviceCode, [uploaded fields...]]`, codes as written. One block of bytes
   * rather than thousands of strings: it stays off the heap and crosses threads without a copy.
   */
  valid: { rowNumbers: number[]; details: Uint8Array; ends: number[] };
  /** Rows whose values break a rule. */
  errors: RejectedRow[];
}

/** The codes as written and the uploaded fields of valid row `i` of `batch`. */
export function validRowDetails(
  batch: ParsedBatch,
  i: number,
): { clientCode: string; serviceCode: string; values: string[] } {
  const { details, ends } = batch.valid;
  const start = i === 0 ? 0 : ends[i - 1];
  const json = Buffer.from(details.buffer, details.byteOffset + start, ends[i] - start).toString('utf8');
  const [clientCode, serviceCode, values] = JSON.parse(json) as [string, string, string[]];
  return { clientCode, serviceCode, values };
}

/** The buffers of `batch` that postMessage can move instead of copying. */
export function transferables(batch: ParsedBatch): ArrayBuffer[] {
  return [batch.stage.bytes.buffer as ArrayBuffer, batch.valid.details.buffer as ArrayBuffer];
}
