import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A data row that was not imported (Skipped or Error), kept for the report and the per-row API. */
@Entity('service_import_rows')
export class ServiceImportRow {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @PrimaryColumn({ name: 'row_number', type: 'int' })
  rowNumber: number;

  @Column({ type: 'text' })
  outcome: 'Skipped' | 'Error';

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  message: string;

  /** The row's fields as uploaded, in the header's column order. */
  @Column({ type: 'jsonb' })
  values: string[];
}
