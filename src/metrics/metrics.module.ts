import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry } from './metrics.registry';
import { MetricsServer } from './metrics.server';

/**
 * Prometheus metrics: GET /metrics on the API port, and on METRICS_PORT when set (workers). Global and
 * exporting the Registry so that Import registers its own metrics (ImportMetrics, QueueMetrics) on
 * it: this module knows nothing of imports.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: Registry, useFactory: createMetricsRegistry }, HttpMetrics, MetricsServer],
  exports: [Registry, HttpMetrics],
})
export class MetricsModule {}
