// Starts what the e2e specs need beyond PostgreSQL and Redis: a real S3-compatible server (OpenStack
// Swift + s3api, from Debian) on loopback, unless TEST_S3_ENDPOINT already points at one. The TEST_S3_*
// variables set here are inherited by the jest workers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildWeb } from '../../scripts/build-web';
import { isBuildStale } from '../../scripts/lib/source-freshness';
import { ensureS3Server } from './s3-server';

const root = join(__dirname, '..', '..');

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

/** The import page the API processes serve at / (test/import-page.e2e-spec.ts drives it in chromium). */
function buildWebIfStale(): void {
  if (isBuildStale(join(root, 'public', 'js', 'main.js'), join(root, 'web'))) buildWeb(root);
}

export default async function globalSetup(): Promise<void> {
  // chromium (Swagger UI browser test) and docker-compose (compose file test), from Debian, when missing.
  execFileSync('bash', [join(root, 'scripts', 'ensure-test-tools.sh')], { stdio: 'inherit' });
  buildIfStale();
  buildWebIfStale();
  if (process.env.TEST_S3_ENDPOINT) return;
  const { endpoint, started } = ensureS3Server();
  // The teardown stops only what this setup started (see s3-server.ts).
  if (started) process.env.TEST_S3_STARTED_BY_SETUP = '1';
  process.env.TEST_S3_ENDPOINT = endpoint;
  process.env.TEST_S3_REGION = 'us-east-1';
  process.env.TEST_S3_ACCESS_KEY_ID = 'test:tester';
  process.env.TEST_S3_SECRET_ACCESS_KEY = 'testing';
}
