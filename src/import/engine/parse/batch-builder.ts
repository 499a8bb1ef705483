import { AssignmentStageBuilder } from '../../../clients/assignment-stage';
import { ByteWriter } from '../../../common/byte-writer';
import { ColumnMap } from '../../csv/columns';
import { DataRow } from '../../csv/row-reader';
import { validateRow } from '../../csv/row-rules';
import { ParsedBatch } from './parsed-batch';

/** Validates rows and gathers them into one ParsedBatch at a time. */
export class BatchBuilder {
  private readonly stage = new AssignmentStageBuilder();
  private readonly details = new ByteWriter();
  private batch = emptyBatch();

  constructor(
    private readonly columns: ColumnMap,
    private readonly headerLength: number,
    private readonly decimalComma: boolean,
  ) {}

  /** Characters of uploaded values held since the last take() (JSON, so a little more than the file's). */
  chars = 0;

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
      const details = JSON.stringify([verdict.clientCode, verdict.serviceCode, row.fields]);
      this.details.write(details);
      this.chars += details.length;
      batch.valid.ends.push(this.details.length);
    } else {
      const valuesJson = JSON.stringify(row.fields);
      this.chars += valuesJson.length;
      batch.errors.push({
        rowNumber: row.rowNumber,
        outcome: 'Error',
        reason: verdict.reason,
        message: verdict.message,
        valuesJson,
      });
    }
  }

  /** The batch so far; the builder starts a new one. */
  take(): ParsedBatch {
    const batch = this.batch;
    batch.stage = this.stage.build();
    batch.valid.details = this.details.take();
    this.batch = emptyBatch();
    this.chars = 0;
    return batch;
  }
}

function emptyBatch(): ParsedBatch {
  return {
    size: 0,
    stage: { bytes: new Uint8Array(0), count: 0, deferred: 0 },
    valid: { rowNumbers: [], details: new Uint8Array(0), ends: [] },
    errors: [],
  };
}
