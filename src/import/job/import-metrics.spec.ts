import { Registry } from 'prom-client';
import { ImportMetrics } from './import-metrics';

describe('ImportMetrics', () => {
  it('counts a batch: its rows by outcome and reason, and its duration', async () => {
    const registry = new Registry();
    const metrics = new ImportMetrics(registry);
    metrics.batchCommitted(
      0.25,
      3,
      [{ reason: 'CLIENT_NOT_FOUND' }, { reason: 'ALREADY_ASSIGNED' }, { reason: 'CLIENT_NOT_FOUND' }],
      { INVALID_QUANTITY: 1, INVALID_DATE: 0 },
      false,
    );
    metrics.batchCommitted(0.5, 0, [], {}, true);
    metrics.importEnded('Completed');

    const text = await registry.metrics();
    expect(text).toContain('service_import_rows_total{outcome="Created",reason="",dry_run="false"} 3');
    expect(text).toContain(
      'service_import_rows_total{outcome="Skipped",reason="CLIENT_NOT_FOUND",dry_run="false"} 2',
    );
    expect(text).toContain(
      'service_import_rows_total{outcome="Skipped",reason="ALREADY_ASSIGNED",dry_run="false"} 1',
    );
    expect(text).toContain(
      'service_import_rows_total{outcome="Error",reason="INVALID_QUANTITY",dry_run="false"} 1',
    );
    expect(text).not.toContain('reason="INVALID_DATE"'); // a reason with no rows has no series
    expect(text).not.toMatch(/service_import_rows_total\{[^}]*dry_run="true"\}/); // no rows, no series
    expect(text).toContain('service_import_batch_duration_seconds_count{dry_run="false"} 1');
    expect(text).toContain('service_import_batch_duration_seconds_count{dry_run="true"} 1');
    expect(text).toContain('service_import_batch_duration_seconds_sum{dry_run="true"} 0.5');
    expect(text).toContain('service_import_imports_total{status="Completed"} 1');
  });
});
