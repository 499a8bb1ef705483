// Starts the real entrypoint (src/main.ts through ts-node) as a child process: a bad variable must stop
// it before it touches anything, with a message naming the variable; a good configuration must start.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, deleteQueueKeys, freePort, REDIS_URL, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startService(env: Record<string, string>): Run {
  // Only what the service needs, so that nothing from the developer's shell leaks in; the .env file
  // of the repository (if any) cannot override these, the .env loader never overrides what is set.
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The one fatal JSON line a configuration error is (pino, on stdout like every other line). */
function fatalLine(run: Run): { msg: string; problems: string[] } {
  const lines = run
    .stdout()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const fatal = lines.map((line) => JSON.parse(line) as { level: number }).filter((r) => r.level === 60);
  expect(fatal).toHaveLength(1);
  return fatal[0] as unknown as { msg: string; problems: string[] };
}

async function exitOf(run: Run, timeoutMs = 60_000): Promise<number | null> {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}

describe('configuration at start-up (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Provides the migrated throwaway database the well-configured child starts against.
    testApp = await createTestApp();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('stops with a non-zero exit and a message naming PORT when PORT is not a number', async () => {
    // The database URL points at a closed port: the process must stop on PORT before trying it.
    const run = startService({ PORT: 'abc', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(await exitOf(run)).toBe(1);
    const fatal = fatalLine(run);
    expect(fatal.msg).toContain('Invalid configuration');
    expect(fatal.msg).toContain('PORT must be a whole number from 1 to 65535 (got "abc")');
    expect(run.stdout() + run.stderr()).not.toContain('ECONNREFUSED');
    expect(run.stdout()).not.toContain('Listening');
  });

  it('names every bad variable in one run', async () => {
    const run = startService({
      STORAGE_DRIVER: 'ftp',
      DATABASE_URL: 'mysql://127.0.0.1/x',
      APP_ROLE: 'both',
    });
    expect(await exitOf(run)).toBe(1);
    const { problems } = fatalLine(run);
    for (const name of ['STORAGE_DRIVER', 'DATABASE_URL', 'APP_ROLE'])
      expect(problems.some((problem) => problem.startsWith(`${name} `))).toBe(true);
  });

  it('requires DOWNLOAD_SIGNING_SECRET in production with the local driver', async () => {
    const run = startService({ NODE_ENV: 'production' });
    expect(await exitOf(run)).toBe(1);
    expect(fatalLine(run).msg).toContain('DOWNLOAD_SIGNING_SECRET is required when NODE_ENV=production');
  });

  it('starts and listens with a valid configuration', async () => {
    const port = await freePort();
    const queuePrefix = `si-test-config-${process.pid}`;
    const storageDir = mkdtempSync(join(tmpdir(), 'si-config-'));
    const run = startService({
      PORT: String(port),
      DATABASE_URL: testApp.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      STORAGE_LOCAL_DIR: storageDir,
    });
    try {
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline && run.child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/health`).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect({ status, stderr: run.stderr() }).toEqual({ status: 200, stderr: expect.any(String) });
      expect(run.stdout()).toContain(`Listening on http://localhost:${port}`);
    } finally {
      run.child.kill('SIGTERM');
      await exitOf(run, 15_000);
      rmSync(storageDir, { recursive: true, force: true });
      await deleteQueueKeys(queuePrefix);
    }
  });
});
