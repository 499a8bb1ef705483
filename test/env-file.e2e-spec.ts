// The real entrypoint (src/main.ts through ts-node) reads `.env` from its working directory, and a
// variable set in the environment wins over the file. Observed through the configuration check, which
// stops the process with a message naming each bad variable before it connects to anything.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

async function startIn(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; messages: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register'), join(ROOT, 'src', 'main.ts')],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_TRANSPILE_ONLY: 'true',
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        // A closed port: if the configuration passed, the process would fail on it, not on a variable.
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  // Every line is pino JSON (a configuration error is one fatal line): read the messages.
  const messages = output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return (JSON.parse(line) as { msg?: string }).msg ?? '';
      } catch {
        return line;
      }
    });
  return { code, messages: messages.join('\n') };
}

describe('.env at start-up (e2e)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'si-env-e2e-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the variables of .env in the working directory', async () => {
    writeFileSync(join(dir, '.env'), '# from the file\nPORT=abc\nAPP_ROLE="both"\n');
    const run = await startIn(dir, {});
    expect(run.code).toBe(1);
    expect(run.messages).toContain('PORT must be a whole number from 1 to 65535 (got "abc")');
    expect(run.messages).toContain('APP_ROLE must be one of');
  });

  it('lets a variable set in the environment win over .env', async () => {
    writeFileSync(join(dir, '.env'), 'PORT=abc\nAPP_ROLE=both\n');
    const run = await startIn(dir, { PORT: '3999' });
    expect(run.code).toBe(1);
    expect(run.messages).toContain('APP_ROLE must be one of');
    expect(run.messages).not.toContain('PORT must be');
  });

  it('runs without a .env file, no error about it', async () => {
    const run = await startIn(dir, { PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.messages).toContain('PORT must be a whole number from 1 to 65535 (got "abc")');
    expect(run.messages).not.toContain('ENOENT');
  });
});
