// Starts what the e2e specs need beyond PostgreSQL and Redis: a real S3-compatible server (OpenStack
// Swift + s3api, from Debian) on loopback, unless TEST_S3_ENDPOINT already points at one. The TEST_S3_*
// variables set here are inherited by the jest workers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isBuildStale } from '../../scripts/lib/source-freshness';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 's3-test-server.sh');

/**
 * Specs that kill worker processes run the compiled service (`node main.js`), as production does.
 * Compiled into its own folder (.test-dist) so that a `nest build` or a benchmark running at the same
 * time cannot delete it under the tests; rebuilt when any source file is newer.
 */
function buildIfStale(): void {
  if (isBuildStale(join(root, '.test-dist', 'main.js'), join(root, 'src'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', '.test-dist'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}

function serverAnswers(): boolean {
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  // chromium (Swagger UI browser test) and docker-compose (compose file test), from Debian, when missing.
  execFileSync('bash', [join(root, 'scripts', 'ensure-test-tools.sh')], { stdio: 'inherit' });
  buildIfStale();
  if (process.env.TEST_S3_ENDPOINT) return;
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
  // A server another run started (a second checkout's suite, a developer's) is used, never stopped:
  // the teardown stops only what this setup started.
  const running = serverAnswers();
  const endpoint = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  if (!running) process.env.TEST_S3_STARTED_BY_SETUP = '1';
  process.env.TEST_S3_ENDPOINT = endpoint;
  process.env.TEST_S3_REGION = 'us-east-1';
  process.env.TEST_S3_ACCESS_KEY_ID = 'test:tester';
  process.env.TEST_S3_SECRET_ACCESS_KEY = 'testing';
}
