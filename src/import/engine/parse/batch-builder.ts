import { AssignmentStageBuilder } from '../../../clients/assignment-stage';
import { ColumnMap } from '../../csv/columns';
import { DataRow } from '../../csv/row-reader';
import { validateRow } from '../../csv/row-rules';
import { ParsedBatch } from './parsed-batch';

/** Validates rows and gathers them into one ParsedBatch at a time. */
export class BatchBuilder {
  private stage = new AssignmentStageBuilder();
  private batch = emptyBatch();

  constructor(
    private readonly columns: ColumnMap,
    private readonly headerLength: number,
    private readonly decimalComma: boolean,
  ) {}

  /** Rows added since the last take(). */
  get size(): number {
    return this.batch.size;
  }

  add(row: DataRow): void {
    const batch = this.batch;
    const verdict = validateRow(row.fields, this.columns, this.headerLength, this.decimalComma);
    batch.size++;
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
      });
      batch.valid.rowNumbers.push(row.rowNumber);
      batch.valid.clientCodes.push(verdict.clientCode);
      batch.valid.serviceCodes.push(verdict.serviceCode);
      batch.valid.valuesJson.push(JSON.stringify(row.fields));
    } else {
      batch.errors.push({
        rowNumber: row.rowNumber,
        outcome: 'Error',
        reason: verdict.reason,
        message: verdict.message,
        valuesJson: JSON.stringify(row.fields),
      });
    }
  }

  /** The batch so far; the builder starts a new one. */
  take(): ParsedBatch {
    const batch = this.batch;
    batch.stage = this.stage.build();
    this.batch = emptyBatch();
    this.stage = new AssignmentStageBuilder();
    return batch;
  }
}

function emptyBatch(): ParsedBatch {
  return {
    size: 0,
    stage: { text: '', count: 0 },
    valid: { rowNumbers: [], clientCodes: [], serviceCodes: [], valuesJson: [] },
    errors: [],
  };
}
