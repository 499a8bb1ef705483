import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppConfig } from '../../src/config/app-config';

/** Built by test/setup/global-setup.ts. */
const MAIN = join(__dirname, '..', '..', '.test-dist', 'main.js');

/** A real worker process (APP_ROLE=worker, compiled build) sharing a test app's database, queue and storage. */
export class WorkerProcess {
  private output = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `execArgv`: node's own flags, e.g. production's `--max-old-space-size=192`. */
  static async start(
    config: AppConfig,
    env: Record<string, string> = {},
    execArgv: string[] = [],
  ): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [...execArgv, MAIN], {
      env: { ...workerEnv(config), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    await worker.waitForOutput(/Processing imports/, 30_000);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`worker exited early:\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`worker did not print ${pattern} in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code, or the signal that ended the process. */
  waitForExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * The test app of a spec whose imports run in WorkerProcesses it kills: the API runs in the test, and
 * a dead worker's lock runs out within seconds, so Bull's stall check soon gives its job to another.
 */
export const API_BESIDE_WORKER_PROCESSES = {
  APP_ROLE: 'api',
  QUEUE_LOCK_DURATION_MS: '3000',
  QUEUE_STALLED_INTERVAL_MS: '1000',
};

/** The worker processes one spec runs; `stopAll` (after each test) leaves none behind. */
export class WorkerFleet {
  private running: WorkerProcess[] = [];

  /** `config` is read at each start: specs create their app in beforeAll, after this is set up. */
  constructor(private readonly config: () => AppConfig) {}

  async start(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(this.config(), env);
    this.running.push(worker);
    return worker;
  }

  /** Runs `work` (e.g. a clean run to compare with) with one worker of its own, stopped afterwards. */
  async withWorker<T>(work: () => Promise<T>): Promise<T> {
    const worker = await this.start();
    try {
      return await work();
    } finally {
      await worker.stop();
    }
  }

  /**
   * kill -9 of the worker that runs the job once `reached(point)` resolves, for each point in turn,
   * starting a new worker after each kill. Answers the last one.
   */
  async killAt(
    first: WorkerProcess,
    points: number[],
    reached: (point: number) => Promise<void>,
  ): Promise<WorkerProcess> {
    let worker = first;
    for (const point of points) {
      await reached(point);
      worker.signal('SIGKILL');
      await worker.waitForExit();
      worker = await this.start();
    }
    return worker;
  }

  async stopAll(): Promise<void> {
    const stopping = this.running;
    this.running = [];
    await Promise.all(stopping.map((w) => w.stop()));
  }
}

/** The environment that gives a worker process the same configuration as the test app. */
export function workerEnv(config: AppConfig): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    APP_ROLE: 'worker',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    QUEUE_PREFIX: config.queuePrefix,
    QUEUE_LOCK_DURATION_MS: String(config.queueLockDurationMs),
    QUEUE_STALLED_INTERVAL_MS: String(config.queueStalledIntervalMs),
    STORAGE_DRIVER: config.storage.driver,
    STORAGE_LOCAL_DIR: config.storage.localDir,
    DOWNLOAD_SIGNING_SECRET: config.downloadSigningSecret,
    IMPORT_BATCH_SIZE: String(config.import.batchSize),
    IMPORT_ATTEMPTS: String(config.import.attempts),
    IMPORT_MAX_ROWS: String(config.import.maxRows),
  };
}
