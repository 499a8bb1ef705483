// The memory specs' subject: the whole service in a process of its own, started as production starts
// it, and what Linux says of that process's memory.
import { readFileSync } from 'node:fs';
import { AppConfig } from '../../src/config/app-config';
import { productionNodeFlags } from './production-node-flags';
import { freePort } from './test-app';
import { WorkerProcess } from './worker-process';

/**
 * The service with every role (APP_ROLE=all) on a port of its own, with production's node flags
 * (`flagOverrides` as productionNodeFlags takes them), sharing the test app's database, queue and
 * storage. `base` is its URL.
 */
export async function startProductionService(
  config: AppConfig,
  flagOverrides: Record<string, string> = {},
): Promise<{ service: WorkerProcess; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = await WorkerProcess.start(
    config,
    { APP_ROLE: 'all', PORT: String(port), PUBLIC_BASE_URL: base, LOG_LEVEL: 'info' },
    productionNodeFlags(flagOverrides),
  );
  return { service, base };
}

/** A process's resident set size now (VmRSS) or at its peak so far (VmHWM), in MB (Linux). */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(match[1]) / 1024;
}
