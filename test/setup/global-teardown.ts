import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_S3_STARTED_BY_SETUP !== '1') return;
  execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 's3-test-server.sh'), 'stop'], {
    stdio: 'inherit',
  });
}
