// Several runs of the suite share the machine's one S3 test server (two checkouts, a developer's
// server). A run whose setup found the server running must leave it running: once, a run that
// ended stopped it under another, whose relayed S3 calls then failed ("socket hang up": the relay
// cuts a connection it cannot forward) and whose direct ones hung.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { s3ServerAnswers } from './setup/s3-server';

const root = join(__dirname, '..');

describe('the shared S3 test server (e2e)', () => {
  it('a second run of the global setup and teardown leaves the running server running', () => {
    expect(s3ServerAnswers()).toBe(true); // this run's setup saw to it
    const env = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('TEST_S3_')) delete env[name];
    // What a second `jest` does around its own specs, in a process of its own.
    const script =
      "const setup = require('./test/setup/global-setup').default;" +
      "const teardown = require('./test/setup/global-teardown').default;" +
      "setup().then(() => { console.log('endpoint=' + process.env.TEST_S3_ENDPOINT); return teardown(); })" +
      '.catch((e) => { console.error(e); process.exit(1); });';
    const out = execFileSync('node', ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('endpoint=http://127.0.0.1:');
    expect(s3ServerAnswers()).toBe(true);
  });
});
