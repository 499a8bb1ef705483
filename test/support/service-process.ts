import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', '.test-dist', 'main.js'); // built by the e2e global setup

/** `node .test-dist/main.js` with only the given environment, its output kept line by line. */
export class ServiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>, cwd: string) {
    this.child = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    this.child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get text(): string {
    return this.output;
  }

  lines(): string[] {
    return this.output.split('\n').filter((line) => line !== '');
  }

  /** The lines that are not one JSON object each (expected: none). */
  notJson(): string[] {
    return this.lines().filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
  }

  records(): Array<Record<string, unknown> & { level: number; msg?: string }> {
    return this.lines().flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
  }

  /** The exit code, or null when it is still running after `ms`. */
  async exitWithin(ms: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), ms)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return result === 'running' ? null : result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      if ((await this.exitWithin(15_000)) === null) this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
