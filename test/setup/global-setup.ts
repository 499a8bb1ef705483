// Starts what the e2e specs need beyond PostgreSQL and Redis: a real S3-compatible server (OpenStack
// Swift + s3api, from Debian) on loopback, unless TEST_S3_ENDPOINT already points at one. The TEST_S3_*
// variables set here are inherited by the jest workers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'scripts', 's3-test-server.sh');

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_S3_ENDPOINT) return;
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
  const endpoint = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  process.env.TEST_S3_STARTED_BY_SETUP = '1';
  process.env.TEST_S3_ENDPOINT = endpoint;
  process.env.TEST_S3_REGION = 'us-east-1';
  process.env.TEST_S3_ACCESS_KEY_ID = 'test:tester';
  process.env.TEST_S3_SECRET_ACCESS_KEY = 'testing';
}
