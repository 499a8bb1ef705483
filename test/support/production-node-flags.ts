import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node's own flags as production starts the service: the ones `npm run start:prod` passes (the
 * Dockerfile's CMD passes the same; test/deployment.e2e-spec.ts checks that they agree). A memory
 * test runs its process with these, so it measures the heap production has: without
 * `--max-semi-space-size`, Node 24 grows its young generation by some 64 MB under a stream of
 * garbage, which is RSS production never sees.
 *
 * `overrides` replaces a flag by name, e.g. `{ 'max-old-space-size': '96' }` for half the heap.
 */
export function productionNodeFlags(overrides: Record<string, string> = {}): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const flags = scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
  if (flags.length === 0) throw new Error('package.json start:prod passes no node flags');
  const names = new Set(flags.map((flag) => flag.slice(2).split('=')[0]));
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) throw new Error(`start:prod passes no --${name} to override`);
  }
  return flags.map((flag) => {
    const name = flag.slice(2).split('=')[0];
    return name in overrides ? `--${name}=${overrides[name]}` : flag;
  });
}
