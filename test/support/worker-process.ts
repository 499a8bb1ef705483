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
