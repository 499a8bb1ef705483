import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { QueueModule } from '../import/queue/queue.module';
import { HttpMetrics } from './http-metrics';
import { ImportMetrics } from '../import/job/import-metrics';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry } from './metrics.registry';
import { MetricsServer } from './metrics.server';
import { QueueMetrics } from '../import/queue/queue-metrics';

/**
 * Prometheus metrics: GET /metrics on the API port, and on METRICS_PORT when set (workers). Global so
 * the import pipeline can count without its module importing this one.
 */
@Global()
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    ImportMetrics,
    HttpMetrics,
    QueueMetrics,
    MetricsServer,
  ],
  exports: [ImportMetrics, HttpMetrics],
})
export class MetricsModule {}
