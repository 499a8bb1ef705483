import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ImportMode } from '../rules/import-mode';
import { ImportPhase, ImportStatus } from './import-status';

/**
 * One uploaded file and its import. The status column is written only by ImportJobStateService;
 * processed_items doubles as the checkpoint (data rows consumed) and `lease` is the fencing token.
 */
@Entity('service_import_jobs')
export class ServiceImportJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  status: ImportStatus;

  @Column({ type: 'text', nullable: true })
  phase: ImportPhase | null;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun: boolean;

  @Column({ type: 'text', default: ImportMode.Create })
  mode: ImportMode;

  @Column({ type: 'text', nullable: true })
  owner: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash: string | null;

  @Column({ name: 'file_name', type: 'text' })
  fileName: string;

  @Column({ name: 'upload_key', type: 'text' })
  uploadKey: string;

  @Column({ name: 'report_key', type: 'text', nullable: true })
  reportKey: string | null;

  /** The change log's CSV, written when the import completes with at least one change record. */
  @Column({ name: 'changes_report_key', type: 'text', nullable: true })
  changesReportKey: string | null;

  /** Completed with change records whose file is not written yet (it is written after completing). */
  @Column({ name: 'changes_file_pending', type: 'boolean', default: false })
  changesFilePending: boolean;

  @Column({ name: 'file_size', type: 'bigint' })
  fileSize: string;

  @Column({ name: 'file_sha256', type: 'text' })
  fileSha256: string;

  @Column({ type: 'text' })
  encoding: string;

  @Column({ type: 'text' })
  delimiter: string;

  @Column({ type: 'text', array: true })
  header: string[];

  /** The sheet read when the upload is an .xlsx workbook (encoding and delimiter then mean nothing); null for CSV. */
  @Column({ type: 'text', nullable: true })
  sheet: string | null;

  @Column({ name: 'row_count', type: 'int', nullable: true })
  rowCount: number | null;

  /** A defect found while the upload streamed in (unterminated quote, oversized field): the job fails with it. */
  @Column({ name: 'upload_problem', type: 'text', nullable: true })
  uploadProblem: string | null;

  @Column({ name: 'total_items', type: 'int', nullable: true })
  totalItems: number | null;

  @Column({ name: 'processed_items', type: 'int', default: 0 })
  processedItems: number;

  @Column({ name: 'created_count', type: 'int', default: 0 })
  createdCount: number;

  @Column({ name: 'updated_count', type: 'int', default: 0 })
  updatedCount: number;

  @Column({ name: 'unchanged_count', type: 'int', default: 0 })
  unchangedCount: number;

  @Column({ name: 'skipped_count', type: 'int', default: 0 })
  skippedCount: number;

  @Column({ name: 'error_count', type: 'int', default: 0 })
  errorCount: number;

  @Column({ type: 'int', default: 0 })
  lease: number;

  /** A delivery took the job and has not ended: found open by the next one, its worker died. */
  @Column({ name: 'delivery_open', type: 'boolean', default: false })
  deliveryOpen: boolean;

  /** Deliveries whose worker died since the import last moved on; IMPORT_ATTEMPTS of them fail it. */
  @Column({ name: 'worker_deaths', type: 'int', default: 0 })
  workerDeaths: number;

  /** processed_items when the last death was counted: a death after progress starts the count again. */
  @Column({ name: 'deaths_checkpoint', type: 'int', default: 0 })
  deathsCheckpoint: number;

  /** The dry run this import commits (POST /{code}/commit). */
  @Column({ name: 'committed_from_id', type: 'uuid', nullable: true })
  committedFromId: string | null;

  /** The import whose not-imported rows this one retries (POST /{code}/retry). */
  @Column({ name: 'retry_of_id', type: 'uuid', nullable: true })
  retryOfId: string | null;

  /** 'revert' for the undo of another import (POST /{code}/revert); 'import' otherwise. */
  @Column({ type: 'text', default: 'import' })
  kind: 'import' | 'revert';

  /** For a revert: the import it undoes. */
  @Column({ name: 'reverts_id', type: 'uuid', nullable: true })
  revertsId: string | null;

  /** For a revert: change records undone, kept (CHANGED_SINCE) and gone (GONE; kept + gone = skipped). */
  @Column({ name: 'reverted_count', type: 'int', default: 0 })
  revertedCount: number;

  @Column({ name: 'kept_count', type: 'int', default: 0 })
  keptCount: number;

  @Column({ name: 'gone_count', type: 'int', default: 0 })
  goneCount: number;

  /** The retry's filters ({ outcome?, reason? }), as asked. */
  @Column({ name: 'retry_filter', type: 'jsonb', nullable: true })
  retryFilter: { outcome?: string; reason?: string } | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt: Date | null;

  @Column({ name: 'files_deleted_at', type: 'timestamptz', nullable: true })
  filesDeletedAt: Date | null;
}
