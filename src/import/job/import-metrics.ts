import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { ErrorReason, SkipReason } from '../rules/row-rules';

export type FinalImportStatus = 'Completed' | 'Failed' | 'Cancelled';

/**
 * What the import pipeline counts. Counted where it happens, in the process where it happens: rows
 * and batches in the worker that commits them, final statuses where the transition is written (the
 * worker for Completed/Failed, the API for a cancel). Prometheus sums the processes.
 */
@Injectable()
export class ImportMetrics {
  private readonly imports: Counter<'status'>;
  private readonly rows: Counter<'outcome' | 'reason' | 'dry_run' | 'mode'>;
  private readonly batchDuration: Histogram<'dry_run'>;

  constructor(registry: Registry) {
    this.imports = new Counter({
      name: 'service_import_imports_total',
      help: 'Imports that reached a final status, by status',
      labelNames: ['status'],
      registers: [registry],
    });
    this.rows = new Counter({
      name: 'service_import_rows_total',
      help:
        'Data rows committed, by outcome (Created, Updated, Unchanged, Skipped, Error), reason code (empty when ' +
        'imported), dry run and mode (create, upsert, update)',
      labelNames: ['outcome', 'reason', 'dry_run', 'mode'],
      registers: [registry],
    });
    this.batchDuration = new Histogram({
      name: 'service_import_batch_duration_seconds',
      help: 'Time to commit one batch transaction (assignments, not-imported rows, counters, checkpoint)',
      labelNames: ['dry_run'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  importEnded(status: FinalImportStatus): void {
    this.imports.inc({ status });
  }

  /** One committed batch: its duration, the rows it imported (by outcome), skipped and found in error. */
  batchCommitted(
    seconds: number,
    imported: { created: number; updated: number; unchanged: number },
    rejected: readonly { reason: SkipReason | 'INVALID_DATE_RANGE' }[],
    errors: Partial<Record<ErrorReason, number>>,
    job: { dryRun: boolean; mode: string },
  ): void {
    const dry_run = String(job.dryRun);
    const mode = job.mode;
    this.batchDuration.observe({ dry_run }, seconds);
    if (imported.created > 0)
      this.rows.inc({ outcome: 'Created', reason: '', dry_run, mode }, imported.created);
    if (imported.updated > 0)
      this.rows.inc({ outcome: 'Updated', reason: '', dry_run, mode }, imported.updated);
    if (imported.unchanged > 0) {
      this.rows.inc({ outcome: 'Unchanged', reason: '', dry_run, mode }, imported.unchanged);
    }
    const skips = new Map<SkipReason | 'INVALID_DATE_RANGE', number>();
    for (const { reason } of rejected) skips.set(reason, (skips.get(reason) ?? 0) + 1);
    for (const [reason, n] of skips) {
      const outcome = reason === 'INVALID_DATE_RANGE' ? 'Error' : 'Skipped';
      this.rows.inc({ outcome, reason, dry_run, mode }, n);
    }
    for (const [reason, n] of Object.entries(errors)) {
      if (n) this.rows.inc({ outcome: 'Error', reason, dry_run, mode }, n);
    }
  }
}
