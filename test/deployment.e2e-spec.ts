import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/app-config';
import { productionNodeFlags } from './support/production-node-flags';

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: Debian's docker-compose
 * (installed by scripts/ensure-test-tools.sh, which .ci/run calls) validates and resolves the file,
 * and the result is compared with the variables the service really reads.
 */
const ROOT = join(__dirname, '..');
const DOCKER_COMPOSE = process.env.DOCKER_COMPOSE_PATH ?? '/usr/bin/docker-compose';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | null>;
  healthcheck?: { test: string | string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

function composeConfig(): { services: Record<string, ComposeService> } {
  if (!existsSync(DOCKER_COMPOSE)) {
    throw new Error(
      `docker-compose is not installed (${DOCKER_COMPOSE} is missing), so docker-compose.yml cannot be ` +
        'validated. Install it with `bash scripts/ensure-test-tools.sh` (apt-get install docker-compose; ' +
        '.ci/run does this), or point DOCKER_COMPOSE_PATH at it.',
    );
  }
  // Fails (non-zero exit, message on stderr) when the file is invalid.
  const out = execFileSync(DOCKER_COMPOSE, ['-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parse(out);
}

/** NAME of every `NAME=` line of .env.example. */
function envExampleNames(): string[] {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The variables src/config/app-config.ts names: `r.int('NAME', ...)`, `env.NAME`, `'NAME'` arguments. */
function configSourceNames(): string[] {
  const source = readFileSync(join(ROOT, 'src', 'config', 'app-config.ts'), 'utf8');
  const names = new Set<string>();
  for (const [, name] of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(name);
  for (const [, name] of source.matchAll(/\br\s*\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(name);
  return [...names];
}

/** The variables loadConfig really looks up, recorded by handing it an environment that watches. */
function variablesLoadConfigReads(): string[] {
  const read = new Set<string>();
  const env: Record<string, string | undefined> = new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) read.add(key);
        return undefined;
      },
    },
  );
  loadConfig(env);
  return [...read];
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

describe('Deployment files (e2e)', () => {
  let services: Record<string, ComposeService>;
  beforeAll(() => {
    services = composeConfig().services;
  });

  it('the variables the service reads are the ones .env.example lists', () => {
    const read = sorted(variablesLoadConfigReads());
    expect(read.length).toBeGreaterThan(20);
    expect(sorted(configSourceNames())).toEqual(read);
    expect(sorted(envExampleNames())).toEqual(read);
  });

  it('declares postgres, redis, minio with its bucket, one api and one worker, with health checks', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'minio', 'minio-bucket', 'api', 'worker']),
    );
    for (const name of ['postgres', 'redis', 'minio', 'api', 'worker']) {
      expect({ name, healthcheck: services[name].healthcheck?.test }).toEqual({
        name,
        healthcheck: expect.arrayContaining([expect.any(String)]),
      });
    }
    const bucket = services.api.environment!.S3_BUCKET!;
    expect(String(services['minio-bucket'].command)).toContain(`mc mb --ignore-existing local/${bucket}`);
    expect(services.api.environment!.APP_ROLE).toBe('api');
    expect(services.worker.environment!.APP_ROLE).toBe('worker');
    for (const name of ['api', 'worker']) {
      expect(services[name].build).toBeDefined();
      expect(services[name].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        'minio-bucket': { condition: 'service_completed_successfully' },
      });
    }
    // Workers scale out: files in the bucket, not on a container's disk.
    expect(services.worker.environment!.STORAGE_DRIVER).toBe('s3');
    // SIGTERM hands running imports back at the next batch; give it the time to.
    expect(services.worker.stop_grace_period).toBeDefined();
  });

  it('sets every variable the service reads on both the api and the worker, and nothing else', () => {
    const read = sorted(variablesLoadConfigReads());
    for (const name of ['api', 'worker']) {
      const environment = services[name].environment ?? {};
      expect({ service: name, missing: read.filter((v) => !(v in environment)) }).toEqual({
        service: name,
        missing: [],
      });
      expect({ service: name, unknown: Object.keys(environment).filter((v) => !read.includes(v)) }).toEqual({
        service: name,
        unknown: [],
      });
    }
  });

  it('gives both containers a configuration the service accepts', () => {
    for (const name of ['api', 'worker']) {
      const environment = Object.fromEntries(
        Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, v ?? '']),
      );
      const config = loadConfig(environment);
      expect(config.role).toBe(name);
      expect(config.storage.driver).toBe('s3');
    }
    expect(loadConfig(services.worker.environment as Record<string, string>).metricsPort).not.toBeNull();
  });

  it('builds in several stages and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const lines = dockerfile.split('\n').map((l) => l.trim());
    const stages = lines.filter((l) => /^FROM\s/i.test(l));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => /^COPY\s+--from=/i.test(l))).toBe(true);
    const finalStage = lines.slice(lines.lastIndexOf(stages[stages.length - 1]));
    const users = finalStage.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users[users.length - 1]);
    // The health check of the worker runs a file the build produces.
    expect(String(services.worker.healthcheck!.test)).toContain('dist/worker-health.js');
    expect(existsSync(join(ROOT, 'src', 'worker-health.ts'))).toBe(true);
  });

  it('starts node with the same flags as npm run start:prod (the memory tests measure those)', () => {
    const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(cmd).not.toBeNull();
    const dockerFlags = (JSON.parse(cmd![1]) as string[]).filter((word) => word.startsWith('--'));
    expect(dockerFlags).toEqual(productionNodeFlags());
  });
});
