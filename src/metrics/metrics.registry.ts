import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One prom-client registry per application instance rather than prom-client's global one, so that
 * several apps in one process (the e2e tests) each count their own and never collide on a name.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
