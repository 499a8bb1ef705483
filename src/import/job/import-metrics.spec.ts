import { Registry } from 'prom-client';
import { ImportMetrics } from './import-metrics';

const NONE = { created: 0, updated: 0, unchanged: 0 };

describe('ImportMetrics', () => {
  it('counts a batch: its rows by outcome and reason, and its duration', async () => {
    const registry = new Registry();
    const metrics = new ImportMetrics(registry);
    metrics.batchCommitted(
      0.25,
      { ...NONE, created: 3 },
      [{ reason: 'CLIENT_NOT_FOUND' }, { reason: 'ALREADY_ASSIGNED' }, { reason: 'CLIENT_NOT_FOUND' }],
      { INVALID_QUANTITY: 1, INVALID_DATE: 0 },
      { dryRun: false, mode: 'create' },
    );
    metrics.batchCommitted(0.5, NONE, [], {}, { dryRun: true, mode: 'create' });
    metrics.importEnded('Completed');

    const text = await registry.metrics();
    const series = (labels: string) => `service_import_rows_total{${labels},dry_run="false",mode="create"}`;
    expect(text).toContain(`${series('outcome="Created",reason=""')} 3`);
    expect(text).toContain(`${series('outcome="Skipped",reason="CLIENT_NOT_FOUND"')} 2`);
    expect(text).toContain(`${series('outcome="Skipped",reason="ALREADY_ASSIGNED"')} 1`);
    expect(text).toContain(`${series('outcome="Error",reason="INVALID_QUANTITY"')} 1`);
    expect(text).not.toContain('reason="INVALID_DATE"'); // a reason with no rows has no series
    expect(text).not.toMatch(/service_import_rows_total\{[^}]*dry_run="true"/); // no rows, no series
    expect(text).toContain('service_import_batch_duration_seconds_count{dry_run="false"} 1');
    expect(text).toContain('service_import_batch_duration_seconds_count{dry_run="true"} 1');
    expect(text).toContain('service_import_batch_duration_seconds_sum{dry_run="true"} 0.5');
    expect(text).toContain('service_import_imports_total{status="Completed"} 1');
  });

  it('counts the outcomes of upsert and update: updated, unchanged, and the database-found errors', async () => {
    const registry = new Registry();
    const metrics = new ImportMetrics(registry);
    metrics.batchCommitted(
      0.1,
      { created: 1, updated: 4, unchanged: 2 },
      [{ reason: 'DUPLICATE_IN_FILE' }, { reason: 'INVALID_DATE_RANGE' }, { reason: 'NOT_ASSIGNED' }],
      {},
      { dryRun: false, mode: 'upsert' },
    );
    const text = await registry.metrics();
    const series = (labels: string) => `service_import_rows_total{${labels},dry_run="false",mode="upsert"}`;
    expect(text).toContain(`${series('outcome="Created",reason=""')} 1`);
    expect(text).toContain(`${series('outcome="Updated",reason=""')} 4`);
    expect(text).toContain(`${series('outcome="Unchanged",reason=""')} 2`);
    expect(text).toContain(`${series('outcome="Skipped",reason="DUPLICATE_IN_FILE"')} 1`);
    expect(text).toContain(`${series('outcome="Skipped",reason="NOT_ASSIGNED"')} 1`);
    expect(text).toContain(`${series('outcome="Error",reason="INVALID_DATE_RANGE"')} 1`);
  });
});
