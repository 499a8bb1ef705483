/**
 * The service under test as a child process: `node dist/main.js`, started exactly as in production,
 * with its memory read from /proc.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBuildStale } from '../lib/source-freshness';
import { BrokenRun } from './broken-run';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const MAIN_JS = join(REPO_ROOT, 'dist', 'main.js');

/**
 * `nest build` when asked to, or (auto) when dist/main.js is missing or older than a file in src/:
 * the benchmark must measure the code in the working tree, not a stale build.
 */
export function ensureBuild(mode: 'auto' | 'always' | 'never', log: (line: string) => void): void {
  if (mode === 'never' || (mode === 'auto' && !buildIsStale())) {
    if (!existsSync(MAIN_JS)) throw new BrokenRun(`${MAIN_JS} is missing: run npm run build`);
    log(mode === 'never' ? 'using dist/ as it is (--build never)' : 'dist/ is up to date with src/');
    return;
  }
  log(
    `building: npx nest build (${mode === 'always' ? '--build always' : 'dist/ is missing or older than src/'})`,
  );
  const result = spawnSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0)
    throw new BrokenRun(`nest build failed (${result.signal ?? `exit ${result.status}`})`);
}

function buildIsStale(): boolean {
  return isBuildStale(MAIN_JS, join(REPO_ROOT, 'src'));
}

export interface ServiceSettings {
  port: number;
  env: Record<string, string>;
  nodeArgs: string[];
  logFile: string;
  verbose: boolean;
}

export class ServiceProcess {
  private exited: { code: number | null; signal: string | null } | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string | null,
  ) {
    child.on('exit', (code, signal) => (this.exited = { code, signal }));
  }

  /**
   * The service writes its log straight into a file (or the terminal with --verbose), never into a
   * pipe this process must drain: a busy benchmark process would otherwise block the service's
   * synchronous log writes and slow down the very thing it measures.
   */
  static start(settings: ServiceSettings): ServiceProcess {
    const out = settings.verbose ? 'inherit' : openSync(settings.logFile, 'a');
    const child = spawn(process.execPath, [...settings.nodeArgs, MAIN_JS], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...settings.env, PORT: String(settings.port) },
      stdio: ['ignore', out, out],
    });
    if (typeof out === 'number') closeSync(out); // the child has its own copy
    return new ServiceProcess(child, settings.verbose ? null : settings.logFile);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last lines of the service's log, to explain a broken run. */
  lastLines(count = 40): string {
    if (!this.logFile || !existsSync(this.logFile)) return '(see the output above)';
    const lines = readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    return lines.slice(-count).join('\n');
  }

  /** Resolves once GET /health answers 200; fails if the process exits or `timeoutMs` passes. */
  async waitForHealth(baseUrl: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `the service exited during start-up (code ${this.exited.code}, signal ${this.exited.signal})`,
        );
      }
      const status = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) return;
      await sleep(250);
    }
    throw new Error(`GET /health did not answer 200 within ${timeoutMs / 1000} s`);
  }

  /** Peak resident set size so far, in bytes (VmHWM: the kernel's own high-water mark). */
  peakRss(): number {
    return procStatusBytes(this.pid, 'VmHWM');
  }

  currentRss(): number {
    return procStatusBytes(this.pid, 'VmRSS');
  }

  /**
   * CPU seconds the process has used so far (user + system). Unlike wall time it hardly changes when
   * other work shares the machine, so it shows the service's own cost per row.
   */
  cpuSeconds(): number {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** SIGTERM (a graceful shutdown lets --cpu-prof write its profile), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  }
}

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

function procStatusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Samples VmRSS every `intervalMs` until stopped: shows whether memory stays flat during the import. */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(service: ServiceProcess, intervalMs = 200) {
    this.timer = setInterval(() => {
      try {
        this.samples.push(service.currentRss());
      } catch {
        // the process is gone; its last samples are what counts
      }
    }, intervalMs);
  }

  stop(): { max: number; first: number; last: number; count: number } {
    clearInterval(this.timer);
    const s = this.samples;
    return { max: Math.max(0, ...s), first: s[0] ?? 0, last: s[s.length - 1] ?? 0, count: s.length };
  }
}
