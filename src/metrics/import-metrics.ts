import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { RejectedRow } from '../import/engine/parse/parsed-batch';

export type FinalImportStatus = 'Completed' | 'Failed' | 'Cancelled';

/**
 * What the import pipeline counts. Counted where it happens, in the process where it happens: rows
 * and batches in the worker that commits them, final statuses where the transition is written (the
 * worker for Completed/Failed, the API for a cancel). Prometheus sums the processes.
 */
@Injectable()
export class ImportMetrics {
  private readonly imports: Counter<'status'>;
  private readonly rows: Counter<'outcome' | 'reason' | 'dry_run'>;
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
      help: 'Data rows committed, by outcome (Created, Skipped, Error) and reason code (empty for Created)',
      labelNames: ['outcome', 'reason', 'dry_run'],
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

  /** One committed batch: its duration, the rows it created and the ones it did not import. */
  batchCommitted(seconds: number, created: number, rejected: RejectedRow[], dryRun: boolean): void {
    const dry_run = String(dryRun);
    this.batchDuration.observe({ dry_run }, seconds);
    if (created > 0) this.rows.inc({ outcome: 'Created', reason: '', dry_run }, created);
    const counts = new Map<string, { outcome: string; reason: string; n: number }>();
    for (const row of rejected) {
      const key = `${row.outcome}\u0000${row.reason}`;
      const entry = counts.get(key);
      if (entry) entry.n++;
      else counts.set(key, { outcome: row.outcome, reason: row.reason, n: 1 });
    }
    for (const { outcome, reason, n } of counts.values()) this.rows.inc({ outcome, reason, dry_run }, n);
  }
}
