// `node dist/main.js` as production runs it: a fresh database (created and migrated at start-up),
// the default local storage, NODE_ENV=production with the two settings production insists on.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deleteQueueKeys, dropDatabase, freePort, PG_SERVER_URL, REDIS_URL } from './support/test-app';

const MAIN = join(__dirname, '..', '.test-dist', 'main.js'); // built by the e2e global setup

it('node main.js in production reaches /health 200 on a fresh database', async () => {
  const port = await freePort();
  const database = `si_prod_${randomBytes(4).toString('hex')}`;
  const storage = mkdtempSync(join(tmpdir(), 'si-prod-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: storage, // no .env there; the defaults apply
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: `${PG_SERVER_URL}/${database}`,
      REDIS_URL,
      QUEUE_PREFIX: `si-prod-${database}`,
      DOWNLOAD_SIGNING_SECRET: randomBytes(32).toString('hex'),
      API_KEYS: `ops:${randomBytes(16).toString('hex')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (status !== 200) throw new Error(`no /health 200 (last ${status}):\n${output}`);
    const body = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, storage: { status: 'up' } },
    });
    // The API is closed without a key in production.
    expect((await fetch(`http://127.0.0.1:${port}/api/clients`)).status).toBe(401);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await dropDatabase(`${PG_SERVER_URL}/${database}`);
    await deleteQueueKeys(`si-prod-${database}`);
    rmSync(storage, { recursive: true, force: true });
  }
});
