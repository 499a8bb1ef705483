// The S3-compatible test server (OpenStack Swift + s3api, from Debian) the e2e specs use, shared by
// every run on the machine: a run starts it when none answers, and stops only the one it started.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'scripts', 's3-test-server.sh');

export function s3ServerAnswers(): boolean {
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Starts the server unless one answers; `started` says whether this call started it. */
export function ensureS3Server(): { endpoint: string; started: boolean } {
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
  // A server another run started (a second checkout's suite, a developer's) is used, never stopped.
  const running = s3ServerAnswers();
  const endpoint = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  return { endpoint, started: !running };
}

export function stopS3Server(): void {
  execFileSync('bash', [script, 'stop'], { stdio: 'inherit' });
}
