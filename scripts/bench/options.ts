/** Command-line options of `npm run bench`; see USAGE. */

/** The import's write mode (`?mode=`); create is the benchmark as it always was. */
export type BenchMode = 'create' | 'upsert' | 'update';

export interface BenchOptions {
  rows: number;
  mode: BenchMode;
  /** Upsert and update: the share (0..1) of the file's new pairs assigned before the import; 0 in create. */
  existing: number;
  engine: 'service' | 'naive';
  /** Data rows the naive engine imports (the first N of the file). */
  naiveRows: number;
  /** Keep the throwaway database after the run. */
  keep: boolean;
  /** 0 picks a free port. */
  port: number;
  pollers: number;
  /** Event streams held open on a second import of the file, compared with the first (0: none). */
  sse: number;
  /** Requests per second per poller connection; 0 means as fast as the service answers. */
  pollRate: number;
  /** PostgreSQL server to create the throwaway database on (any database name in it is ignored). */
  pg: string;
  redis: string;
  /** IMPORT_BATCH_SIZE for the service; undefined keeps the service's default. */
  batchSize?: number;
  /** 'auto': `nest build` when dist/main.js is missing or older than src/; 'always'; 'never'. */
  build: 'auto' | 'always' | 'never';
  /** Extra Node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
  childNodeArgs: string[];
  /** Extra environment for the service only, e.g. PGOPTIONS to log its statements. */
  childEnv: Record<string, string>;
  /** Seed of the CSV generator: the same seed and rows give the same file. */
  seed: number;
  /** Print the service's log lines as they come. */
  verbose: boolean;
  /** Then revert the import and compare with DELETE of its rows (create mode). */
  revert: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --rows N             data rows in the generated CSV (default 200000, at most 10000000)
  --mode M             create (default) | upsert | update: the import's ?mode=; upsert and update are compared
                       with COPY of the created rows plus one UPDATE ... FROM a COPYed temporary table
  --existing F         upsert and update only: share 0..1 of the file's new pairs assigned beforehand with
                       other values (quantity 1, the catalog price, no dates, no notes; default 0.5)
  --engine E           service (default) | naive: also run the row-by-row baseline after the service
  --naive-rows N       rows the naive engine imports, the first N of the file (default min(rows, 100000))
  --keep               keep the throwaway database
  --port P             port for the service (default: a free one)
  --pollers N          concurrent GET pollers during the import (default 20; 0 disables)
  --sse N              then import the file again with N event streams open on it (opened while the queue is
                       held, so before the import starts; default 0: no second run), and report both runs'
                       import time and poll latency and their ratio
  --poll-rate R        requests/s per poller (default 4: a UI refreshing every 250 ms; 0 = closed loop, as fast as answered)
  --batch-size N       IMPORT_BATCH_SIZE for the service (default: the service's own)
  --pg URL             PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
  --redis URL          Redis (default redis://127.0.0.1:6379)
  --build B            auto (default: build when dist is missing or older than src) | always | never
  --child-node-args S  extra Node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --child-env K=V      extra environment for the service only (repeatable), e.g.
                       --child-env "PGOPTIONS=-c log_min_duration_statement=0" to time its SQL
  --seed N             seed of the CSV generator (default 42)
  --revert             then revert the import (POST /{code}/revert) and print its rows/s; in create mode
                       against DELETE ... WHERE import_job_id of the same rows (the ratio)
  --verbose            show the service's log`;

export class UsageError extends Error {}

const DEFAULT_ROWS = 200_000;
const DEFAULT_NAIVE_ROWS = 100_000;
/** The generator draws new pairs from 50,000 clients × 200 services without repeating one. */
const MAX_ROWS = 10_000_000;

export function parseOptions(argv: string[]): BenchOptions {
  const raw = readFlags(argv);
  const rows = int(raw, 'rows', DEFAULT_ROWS, 1, MAX_ROWS);
  const engine = last(raw, 'engine') ?? 'service';
  if (engine !== 'service' && engine !== 'naive') throw new UsageError(`--engine must be service or naive`);
  const mode = last(raw, 'mode') ?? 'create';
  if (mode !== 'create' && mode !== 'upsert' && mode !== 'update') {
    throw new UsageError(`--mode must be create, upsert or update`);
  }
  if (mode === 'create' && raw.has('existing')) {
    throw new UsageError(`--existing needs --mode upsert or update`);
  }
  if (mode !== 'create' && engine === 'naive') {
    throw new UsageError(`--engine naive imports in create mode only`);
  }
  const build = last(raw, 'build') ?? 'auto';
  if (build !== 'auto' && build !== 'always' && build !== 'never') {
    throw new UsageError(`--build must be auto, always or never`);
  }
  return {
    rows,
    mode,
    existing: mode === 'create' ? 0 : fraction(raw, 'existing', 0.5),
    engine,
    naiveRows: Math.min(rows, int(raw, 'naive-rows', Math.min(rows, DEFAULT_NAIVE_ROWS), 1)),
    keep: raw.has('keep'),
    port: int(raw, 'port', 0, 0, 65535),
    pollers: int(raw, 'pollers', 20, 0, 1000),
    sse: int(raw, 'sse', 0, 0, 10_000),
    pollRate: int(raw, 'poll-rate', 4, 0),
    pg: last(raw, 'pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: last(raw, 'redis') ?? 'redis://127.0.0.1:6379',
    batchSize: raw.has('batch-size') ? int(raw, 'batch-size', 0, 1, 50_000) : undefined,
    build,
    childNodeArgs: [
      ...productionNodeFlags(),
      ...(last(raw, 'child-node-args') ?? '').split(/\s+/).filter(Boolean),
    ],
    childEnv: childEnv(raw.get('child-env') ?? []),
    seed: int(raw, 'seed', 42, 0, 2 ** 32 - 1),
    verbose: raw.has('verbose'),
    revert: raw.has('revert'),
  };
}

const BOOLEAN_FLAGS = new Set(['keep', 'verbose', 'help', 'revert']);
const VALUE_FLAGS = new Set([
  'rows',
  'mode',
  'existing',
  'engine',
  'naive-rows',
  'port',
  'pollers',
  'sse',
  'poll-rate',
  'batch-size',
  'pg',
  'redis',
  'build',
  'child-node-args',
  'child-env',
  'seed',
]);

/**
 * `--name value`, `--name=value` and boolean `--name`, each value kept in order (a repeated flag is
 * a list); unknown flags are an error, not ignored.
 */
function readFlags(argv: string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new UsageError(`unexpected argument "${argv[i]}"`);
    const [, name, inline] = match;
    if (name === 'help') throw new UsageError('');
    if (BOOLEAN_FLAGS.has(name)) {
      add(name, 'true');
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      add(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return flags;
}

function last(flags: Map<string, string[]>, name: string): string | undefined {
  return flags.get(name)?.at(-1);
}

function childEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--child-env needs NAME=VALUE (got "${pair}")`);
    env[match[1]] = match[2];
  }
  return env;
}

function int(flags: Map<string, string[]>, name: string, fallback: number, min: number, max = 1e9): number {
  const value = last(flags, name);
  if (value === undefined) return fallback;
  // Accept 1_000_000 and 1,000,000 as well: row counts are easier to type that way.
  const digits = value.replace(/[_,]/g, '');
  if (!/^\d+$/.test(digits) || Number(digits) < min || Number(digits) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(digits);
}

function fraction(flags: Map<string, string[]>, name: string, fallback: number): number {
  const value = last(flags, name);
  if (value === undefined) return fallback;
  if (!/^(0(\.\d+)?|1(\.0*)?|\.\d+)$/.test(value)) {
    throw new UsageError(`--${name} must be a number from 0 to 1 (got "${value}")`);
  }
  return Number(value);
}

/** The Node flags of `npm run start:prod` (e.g. the heap cap), so the service runs as in production. */
function productionNodeFlags(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json') as { scripts: Record<string, string> };
  const words = (pkg.scripts['start:prod'] ?? '').split(/\s+/);
  return words.filter((w) => w.startsWith('--'));
}
