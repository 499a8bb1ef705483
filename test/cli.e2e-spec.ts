import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parseReport, seedCatalog } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/** Built from src/cli by test/setup/global-setup.ts, as `npm run build` builds dist/cli. */
const CLI = join(__dirname, '..', '.test-dist', 'cli', 'main.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunningCli {
  /** Resolves when `pattern` appears in stderr, with the match. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  done: Promise<CliRun>;
}

/** Runs the CLI as a real process: no TTY (pipes), no SERVICE_IMPORT_* variables unless given. */
function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    done,
    waitForStderr: async (pattern) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const match = pattern.exec(stderr);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`CLI did not print ${pattern}:\n${stdout}\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const runCli = (args: string[], env: Record<string, string> = {}) => startCli(args, env).done;

/** The exit code, with what the CLI printed on stderr in the failure when it is not the one expected. */
function expectExit(run: { code: number | null; stderr: string }, code: number): void {
  if (run.code !== code)
    throw new Error(`the CLI exited ${run.code}, not ${code}; its stderr:\n${run.stderr}`);
}

const ALL_CREATED = ['clientCode,serviceCode,quantity', 'C1,S1,1', 'C1,S2,2', 'C2,S1,3'].join('\n') + '\n';
const MIXED =
  [
    'Client Code,Service Code,Qty,Note',
    'C2,S2,1,created',
    'NOPE,S1,1,unknown client',
    'C2,S2,1,again',
    'C2,S1,x,bad quantity',
    'NOPE,S2,1,unknown again',
  ].join('\n') + '\n';

describe('service-import CLI (e2e, a real process against a live service)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BATCH_SIZE: '2' });
    await seedCatalog(
      t.dataSource,
      ['C1', 'C2', 'C3'],
      [
        ['S1', '1.00'],
        ['S2', '2.00'],
      ],
    );
    dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  function csv(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  async function assignments(): Promise<number> {
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM client_billable_services`);
    return row.n;
  }

  it('exits 0 when every row is created, with plain progress lines without a TTY', async () => {
    const file = csv('all.csv', ALL_CREATED);
    const run = await runCli(['upload', file, '--url', t.baseUrl]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toMatch(/Uploaded all\.csv \(\d+ bytes\): import [A-Za-z0-9_-]{22}/);
    expect(run.stderr).toMatch(/^Progress: (Queued|InProgress|Completed).*rows/m);
    // The CLI adds its own measured rate once it has seen two states a moment apart: present or not.
    expect(run.stderr).toMatch(/^Progress: Completed: 3\/3 rows \(100\.0%\)(, \d+ rows\/s)?$/m);
    expect(run.stdout).toMatch(/Import [A-Za-z0-9_-]{22}: Completed/);
    expect(run.stdout).toMatch(/Created\s+3\n/);
    expect(run.stdout).toMatch(/Skipped\s+0\n/);
    expect(existsSync(join(dir, 'all-not-imported.csv'))).toBe(false);
    expect(await assignments()).toBe(3);
  });

  it('exits 2 when rows were skipped or had errors, with top reasons and the report next to the file', async () => {
    const file = csv('mixed.csv', MIXED);
    const run = await runCli(['upload', file], { SERVICE_IMPORT_URL: `${t.baseUrl}/` });
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 2 });
    expect(run.stdout).toMatch(/Created\s+1\n/);
    expect(run.stdout).toMatch(/Skipped\s+3\n/);
    expect(run.stdout).toMatch(/Errors\s+1\n/);
    expect(run.stdout).toMatch(/Top reasons\s+Outcome\s+Rows\n\s*CLIENT_NOT_FOUND\s+Skipped\s+2\n/);
    expect(run.stdout).toMatch(/ALREADY_ASSIGNED\s+Skipped\s+1\n/);
    expect(run.stdout).toMatch(/INVALID_QUANTITY\s+Error\s+1\n/);
    const report = join(dir, 'mixed-not-imported.csv');
    expect(run.stdout).toContain(`Rows not imported: ${report}`);
    const rows = parseReport(readFileSync(report, 'utf8'));
    expect(rows[0]).toEqual([
      'rowNumber',
      'Client Code',
      'Service Code',
      'Qty',
      'Note',
      'outcome',
      'reason',
      'message',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[5], r[6]])).toEqual([
      ['2', 'NOPE', 'Skipped', 'CLIENT_NOT_FOUND'],
      ['3', 'C2', 'Skipped', 'ALREADY_ASSIGNED'],
      ['4', 'C2', 'Error', 'INVALID_QUANTITY'],
      ['5', 'NOPE', 'Skipped', 'CLIENT_NOT_FOUND'],
    ]);
    expect(existsSync(`${report}.part`)).toBe(false);
  });

  it('runs a dry run and saves the report into --out', async () => {
    const before = await assignments();
    const file = csv('dry.csv', 'clientCode,serviceCode\nC3,S1\nNOPE,S1\n');
    const out = join(dir, 'reports');
    mkdirSync(out);
    const run = await runCli(['upload', file, '--url', t.baseUrl, '--dry-run', '--out', out]);
    expectExit(run, 2);
    expect(run.stdout).toMatch(/Completed \(dry run\)/);
    expect(run.stdout).toMatch(/Created\s+1\n/);
    expect(parseReport(readFileSync(join(out, 'dry-not-imported.csv'), 'utf8'))).toHaveLength(2);
    expect(existsSync(join(dir, 'dry-not-imported.csv'))).toBe(false);
    expect(await assignments()).toBe(before);
  });

  it('shows an import with status, lists it with list, and cannot cancel a finished one', async () => {
    const file = csv('for-status.csv', 'clientCode,serviceCode\nC2,S2\n');
    const upload = await runCli(['upload', file, '--url', t.baseUrl]);
    const code = /import ([A-Za-z0-9_-]{22})/.exec(upload.stderr)![1];

    const status = await runCli(['status', code, '--url', t.baseUrl]);
    expectExit(status, 0);
    expect(status.stdout).toContain(`Import ${code}`);
    expect(status.stdout).toMatch(/Status\s+Completed/);
    expect(status.stdout).toMatch(/File\s+for-status\.csv/);

    const list = await runCli(['list', '--url', t.baseUrl, '--limit', '2']);
    expectExit(list, 0);
    expect(list.stdout).toMatch(/^Code\s+Status\s+Mode\s+File\s+Rows\s+Created\s+Updated\s+Unchanged/);
    expect(list.stdout).toMatch(
      new RegExp(`^${code}\\s+Completed\\s+create\\s+for-status\\.csv\\s+1/1`, 'm'),
    );
    expect(list.stdout).toMatch(/1-2 of \d+/);

    const cancel = await runCli(['cancel', code, '--url', t.baseUrl]);
    expectExit(cancel, 1);
    expect(cancel.stderr).toContain(
      `HTTP 409 Conflict: Import ${code} is already Completed and cannot be cancelled.`,
    );

    const unknown = await runCli(['status', 'no-such-code', '--url', t.baseUrl]);
    expectExit(unknown, 1);
    expect(unknown.stderr).toContain('HTTP 404 Not Found: No import with code "no-such-code".');
  });

  it('upserts with --mode, commits a dry run and retries the rows not imported, each followed to its summary', async () => {
    const out = join(dir, 'derived');
    mkdirSync(out);
    const file = csv('upsert.csv', 'clientCode,serviceCode,quantity\nC3,S1,2\nC3,S2,3\nLATER,S1,1\n');
    const dry = await runCli([
      'upload',
      file,
      '--url',
      t.baseUrl,
      '--mode',
      'upsert',
      '--dry-run',
      '--out',
      out,
    ]);
    expectExit(dry, 2);
    expect(dry.stderr).toMatch(/import [A-Za-z0-9_-]{22} \(mode upsert, dry run\)/);
    expect(dry.stdout).toMatch(/Mode\s+upsert\n/);
    expect(dry.stdout).toMatch(/Created\s+2\n\s*Updated\s+0\n\s*Unchanged\s+0\n\s*Skipped\s+1\n/);
    const dryCode = /Import ([A-Za-z0-9_-]{22}): Completed \(dry run\)/.exec(dry.stdout)![1];

    const committed = await runCli(['commit', dryCode, '--url', t.baseUrl, '--out', out]);
    expectExit(committed, 2);
    expect(committed.stderr).toContain(`Committing dry run ${dryCode}: import `);
    expect(committed.stdout).toMatch(new RegExp(`Commits\\s+dry run ${dryCode}\\n`));
    expect(committed.stdout).toMatch(/Created\s+2\n/);
    const realCode = /Import ([A-Za-z0-9_-]{22}): Completed\n/.exec(committed.stdout)![1];
    const report = join(out, `upsert-${realCode}-not-imported.csv`);
    expect(committed.stdout).toContain(`Rows not imported: ${report}`);
    expect(
      parseReport(readFileSync(report, 'utf8'))
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['LATER']);

    await seedCatalog(t.dataSource, ['LATER'], []);
    const retried = await runCli([
      'retry',
      realCode,
      '--reason',
      'CLIENT_NOT_FOUND',
      '--url',
      t.baseUrl,
      '--out',
      out,
    ]);
    expectExit(retried, 0);
    expect(retried.stderr).toContain(
      `Retrying the CLIENT_NOT_FOUND rows not imported of import ${realCode}: import `,
    );
    expect(retried.stdout).toMatch(new RegExp(`Retries\\s+rows of import ${realCode}\\n`));
    expect(retried.stdout).toMatch(/Created\s+1\n/);

    const again = csv('again.csv', 'clientCode,serviceCode,quantity\nC3,S1,2\nC3,S2,4\n');
    const upserted = await runCli(['upload', again, '--url', t.baseUrl, '--mode', 'upsert']);
    expectExit(upserted, 0); // every row imported: updated or unchanged
    expect(upserted.stdout).toMatch(/Created\s+0\n\s*Updated\s+1\n\s*Unchanged\s+1\n\s*Skipped\s+0\n/);

    const bad = await runCli(['upload', again, '--url', t.baseUrl, '--mode', 'merge']);
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--mode must be one of create, upsert, update'),
    });
    const wrong = await runCli(['retry', realCode, '--mode', 'upsert', '--url', t.baseUrl]);
    expect(wrong.stderr).toContain('The option --mode does not apply to "retry".');
    const refused = await runCli(['commit', realCode, '--url', t.baseUrl, '--out', out]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 409 Conflict') });
  });

  it('reverts an import with revert, and reports what it kept', async () => {
    await seedCatalog(t.dataSource, ['R1'], []);
    const file = csv('to-revert.csv', 'clientCode,serviceCode,quantity\nR1,S1,2\nR1,S2,3\n');
    const imported = await runCli(['upload', file, '--url', t.baseUrl]);
    const code = /Import ([A-Za-z0-9_-]{22}): Completed/.exec(imported.stdout)![1];
    const out = join(dir, 'reverts');
    mkdirSync(out);

    const dry = await runCli(['revert', code, '--dry-run', '--url', t.baseUrl, '--out', out]);
    expectExit(dry, 0);
    expect(dry.stdout).toMatch(/Reverted\s+2\n\s*Kept\s+0 \(changed since the import\)\n\s*Gone\s+0\n/);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM client_billable_services a JOIN clients c ON c.id = a.client_id WHERE c.code = 'R1'`,
    );
    expect(n).toBe(2); // a dry run

    await t.dataSource.query(
      `DELETE FROM client_billable_services a USING clients c, billable_services s
        WHERE c.id = a.client_id AND s.id = a.billable_service_id AND c.code = 'R1' AND s.code = 'S2'`,
    );
    const run = await runCli(['revert', code, '--url', t.baseUrl, '--out', out]);
    expectExit(run, 2);
    expect(run.stderr).toContain(`Reverting import ${code}: revert `);
    expect(run.stdout).toMatch(new RegExp(`Reverts\\s+import ${code}\\n`));
    expect(run.stdout).toMatch(/Reverted\s+1\n\s*Kept\s+0 \(changed since the import\)\n\s*Gone\s+1\n/);
    expect(run.stdout).toMatch(/GONE\s+Skipped\s+1\n/);
    const report = /Rows not imported: (.+)\n/.exec(run.stdout)![1];
    expect(
      parseReport(readFileSync(report, 'utf8'))
        .slice(1)
        .map((r) => [r[1], r[2], r[4]]),
    ).toEqual([['R1', 'S2', 'GONE']]);
  });

  it('exits 1 with a clear message on usage errors and an unreachable service', async () => {
    const usage = await runCli(['upload']);
    expectExit(usage, 1);
    expect(usage.stderr).toContain('"upload" takes a CSV file.');
    expect(usage.stderr).toContain('Usage: service-import');
    const missing = await runCli(['upload', join(dir, 'nope.csv'), '--url', t.baseUrl]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('No such file') });
    const closed = await runCli(['list', '--url', 'http://127.0.0.1:9']);
    expect(closed).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Cannot reach http://127.0.0.1:9'),
    });
    const help = await runCli(['--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('upload <file.csv>') });
  });

  it('polls GET /{code} when the event stream is unavailable', async () => {
    // A proxy in front of the service that refuses the events endpoint.
    const proxy = await startProxy(t.baseUrl, (path) => path.endsWith('/events'));
    try {
      const file = csv('polled.csv', ALL_CREATED.replace(/C1/g, 'C2').replace(/,S2,/, ',S9,'));
      const run = await runCli(['upload', file, '--url', proxy.url]);
      expect(run.stderr).toMatch(/Live events unavailable \(HTTP 503[^)]*\); polling every second/);
      expectExit(run, 2);
      expect(run.stdout).toMatch(/Completed/);
      expect(
        proxy.paths.filter((p) => /\/api\/service-imports\/[A-Za-z0-9_-]{22}$/.test(p)).length,
      ).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'polled-not-imported.csv'))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe('service-import CLI: failed and cancelled imports, API keys (e2e)', () => {
  const KEY = 'cli-secret-0123456789';
  let limited: TestApp;
  let apiOnly: TestApp;
  let dir: string;

  beforeAll(async () => {
    [limited, apiOnly] = await Promise.all([
      createTestApp({ IMPORT_MAX_ROWS: '1' }),
      createTestApp({ APP_ROLE: 'api', API_KEYS: `cli:${KEY}` }), // no worker: imports stay Queued
    ]);
    dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
    writeFileSync(join(dir, 'two.csv'), 'clientCode,serviceCode\nC1,S1\nC1,S2\n');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([limited.close(), apiOnly.close()]);
  });

  it('exits 1 when the import Failed, and says why', async () => {
    const run = await runCli(['upload', join(dir, 'two.csv'), '--url', limited.baseUrl]);
    expectExit(run, 1);
    expect(run.stdout).toMatch(/: Failed/);
    expect(run.stdout).toMatch(/Failure\s+The file has 2 data rows; the limit is 1/);
    expect(existsSync(join(dir, 'two-not-imported.csv'))).toBe(false);
  });

  it('exits 1 when the import is Cancelled while it follows it', async () => {
    const cli = startCli(['upload', join(dir, 'two.csv'), '--url', apiOnly.baseUrl], {
      SERVICE_IMPORT_API_KEY: KEY,
    });
    const [, code] = await cli.waitForStderr(/import ([A-Za-z0-9_-]{22})/);
    await cli.waitForStderr(/Progress: Queued/);
    const res = await request(apiOnly.app.getHttpServer())
      .post(`/api/service-imports/${code}/cancel`)
      .set('Authorization', `Bearer ${KEY}`);
    expect(res.status).toBe(200);
    const run = await cli.done;
    expectExit(run, 1);
    expect(run.stdout).toMatch(new RegExp(`Import ${code}: Cancelled`));
  });

  it('sends the API key as a Bearer token, from --api-key or SERVICE_IMPORT_API_KEY', async () => {
    const denied = await runCli(['list', '--url', apiOnly.baseUrl]);
    expectExit(denied, 1);
    expect(denied.stderr).toContain('HTTP 401');
    const flag = await runCli(['list', '--url', apiOnly.baseUrl, '--api-key', KEY]);
    expectExit(flag, 0);
    expect(flag.stdout).toMatch(/two\.csv/);
    const env = await runCli(['list', '--url', apiOnly.baseUrl], { SERVICE_IMPORT_API_KEY: KEY });
    expectExit(env, 0);
    const wrong = await runCli(['list', '--url', apiOnly.baseUrl, '--api-key', 'wrong-secret-0123456789']);
    expectExit(wrong, 1);
  });
});

/** A reverse proxy that answers 503 to the paths `refuse` picks and records every path it saw. */
async function startProxy(
  target: string,
  refuse: (path: string) => boolean,
): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    paths.push(path);
    if (refuse(path)) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'no events here' }));
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
