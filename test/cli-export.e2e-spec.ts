// `service-import export > file.csv` as a real process: the file on stdout is the API's export, and it
// imports back unchanged.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readAssignments, seedAssignments } from './support/assignments';
import type { StoredAssignment } from './support/assignment-model';
import { seedCatalog, uploadAndWait } from './support/imports';
import { createTestApp, TestApp } from './support/test-app';

/** Built from src/cli by test/setup/global-setup.ts, as `npm run build` builds dist/cli. */
const CLI = join(__dirname, '..', '.test-dist', 'cli', 'main.js');

function runCli(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    }),
  );
}

const HEADER = '\uFEFFclientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes\r\n';

function assignment(client: string, service: string, notes: string | null): StoredAssignment {
  return {
    client,
    service,
    quantity: 2,
    unitPrice: '12.50',
    startDate: '2026-01-01',
    endDate: null,
    notes,
    importCode: null,
    id: null,
  };
}

describe('service-import export (e2e, a real process)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedCatalog(
      t.dataSource,
      ['C1', 'C2'],
      [
        ['S1', '1.00'],
        ['S2', '2.00'],
      ],
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes the export to stdout, filtered by repeated --client and --service, and it imports back unchanged', async () => {
    const seeded = await seedAssignments(t.dataSource, [
      assignment('C1', 'S1', '=1+1'),
      assignment('C1', 'S2', 'two\nlines, "quoted"'),
      assignment('C2', 'S1', null),
      assignment('C2', 'S2', '#CLEAR'),
    ]);

    const all = await runCli(['export', '--url', t.baseUrl]);
    expect(all.stderr).toBe('Exported 4 assignments.\n');
    expect(all.code).toBe(0);
    const file = all.stdout.toString('utf8');
    expect(file).toBe(
      HEADER +
        "C1,S1,2,12.50,2026-01-01,,'=1+1\r\n" +
        'C1,S2,2,12.50,2026-01-01,,"two\nlines, ""quoted"""\r\n' +
        'C2,S1,2,12.50,2026-01-01,,\r\n' +
        "C2,S2,2,12.50,2026-01-01,,'#CLEAR\r\n",
    );

    const some = await runCli([
      'export',
      '--url',
      t.baseUrl,
      '--client',
      'c2',
      '--service',
      's1',
      '--service',
      'S2',
    ]);
    expect(some).toMatchObject({ code: 0, stderr: 'Exported 2 assignments.\n' });
    expect(some.stdout.toString('utf8')).toBe(HEADER + file.split('\r\n').slice(3, 5).join('\r\n') + '\r\n');

    const job = await uploadAndWait(t.app, all.stdout, 'export.csv', '?mode=upsert');
    expect(job).toMatchObject({ status: 'Completed', unchangedCount: 4, updatedCount: 0, skippedCount: 0 });
    expect(await readAssignments(t.dataSource)).toEqual(seeded);
  });

  it('exits 1 naming an unknown code, with nothing on stdout', async () => {
    const run = await runCli(['export', '--url', t.baseUrl, '--client', 'NOPE']);
    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain('HTTP 400 Bad Request: No client with code "NOPE"');
  });
});
