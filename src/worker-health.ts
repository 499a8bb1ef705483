// Health check of an APP_ROLE=worker process, which serves no HTTP: exits 0 when the worker wrote
// its heartbeat file (only while its Redis connection is ready) within the last 30 seconds.
// Used by the worker container's HEALTHCHECK: `node dist/worker-health.js`.
import { statSync } from 'node:fs';
import { WORKER_HEARTBEAT_FILE } from './import/worker/worker-heartbeat';

try {
  const age = Date.now() - statSync(WORKER_HEARTBEAT_FILE).mtimeMs;
  process.exit(age < 30_000 ? 0 : 1);
} catch {
  process.exit(1);
}
