import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WORKER_HEARTBEAT_FILE = join(tmpdir(), 'service-import-worker.heartbeat');

export function touchWorkerHeartbeat(): void {
  try {
    writeFileSync(WORKER_HEARTBEAT_FILE, String(Date.now()));
  } catch {
    // A read-only filesystem only costs the container health check.
  }
}
