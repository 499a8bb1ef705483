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
   * The valid rows again, in the same order, with what a report of a row the database skips needs:
   * the codes as written and the uploaded fields (JSON). Row numbers ascend.
   */
  valid: { rowNumbers: number[]; clientCodes: string[]; serviceCodes: string[]; valuesJson: string[] };
  /** Rows whose values break a rule. */
  errors: RejectedRow[];
}
