import { AssignmentStageBuilder } from '../../../clients';
import { ByteWriter } from '../../../common/byte-writer';
import { ColumnMap } from '../../rules/columns';
import { DataRow } from '../../../csv/row-reader';
import type { CellProblem } from '../../../csv/xlsx/sheet-rows';
import { ErrorReason, validateRow } from '../../rules/row-rules';
import { NotImportedRows, validRowDetail } from '../engine/not-imported-rows';
import { ParsedBatch } from './parsed-batch';

/** Validates rows and gathers them into one ParsedBatch at a time. */
export class BatchBuilder {
  private readonly stage = new AssignmentStageBuilder();
  private readonly details = new ByteWriter();
  private readonly errors = new NotImportedRows();
  private rowNumbers: number[] = [];
  private ends: number[] = [];
  private reasons: Partial<Record<ErrorReason, number>> = {};
  private rows = 0;

  constructor(
    private readonly columns: ColumnMap,
    private readonly headerLength: number,
    private readonly rules: { decimalComma: boolean; clearable: boolean },
  ) {}

  /** Characters of uploaded values held since the last take() (JSON, so a little more than the file's). */
  chars = 0;

  /** Rows added since the last take(). */
  get size(): number {
    return this.rows;
  }

  /** `problem`: a workbook cell the row cannot be read without (an Error row whatever its values). */
  add(row: DataRow & { problem?: CellProblem }): void {
    const { decimalComma, clearable } = this.rules;
    const verdict = row.problem
      ? cellVerdict(row.problem)
      : validateRow(row.fields, this.columns, this.headerLength, decimalComma, clearable);
    this.rows++;
    if (verdict.ok) {
      this.stage.add({
        rowNumber: row.rowNumber,
        clientCode: verdict.clientCode,
        serviceCode: verdict.serviceCode,
        quantity: verdict.quantity,
        unitPrice: verdict.unitPrice,
        startDate: verdict.startDate,
        endDate: verdict.endDate,
        notes: verdict.notes,
        clear: verdict.clear,
      });
      this.rowNumbers.push(row.rowNumber);
      const detail = validRowDetail(verdict.clientCode, verdict.serviceCode, row.fields);
      this.details.write(detail);
      this.chars += detail.length;
      this.ends.push(this.details.length);
    } else {
      this.errors.error(row.rowNumber, verdict.reason, verdict.message, row.fields);
      this.reasons[verdict.reason] = (this.reasons[verdict.reason] ?? 0) + 1;
      for (const field of row.fields) this.chars += field.length;
    }
  }

  /** The batch so far; the builder starts a new one. */
  take(): ParsedBatch {
    const batch: ParsedBatch = {
      size: this.rows,
      stage: this.stage.build(),
      valid: {
        rowNumbers: Uint32Array.from(this.rowNumbers),
        details: this.details.take(),
        ends: Uint32Array.from(this.ends),
      },
      errors: { count: this.errors.count, reasons: this.reasons, lines: this.errors.take() },
    };
    this.rowNumbers = [];
    this.ends = [];
    this.reasons = {};
    this.rows = 0;
    this.chars = 0;
    return batch;
  }
}

function cellVerdict(problem: CellProblem): { ok: false; reason: ErrorReason; message: string } {
  const reason: ErrorReason =
    problem.kind === 'no-cached-value' ? 'FORMULA_WITHOUT_VALUE' : 'CELL_ERROR_VALUE';
  return { ok: false, reason, message: problem.message };
}
