import { resolve } from 'node:path';
import { problemsOf } from '../../test/support/config-problems';
import { ConfigError, loadConfig } from './app-config';

const SECRET = 's'.repeat(32);
// Production needs API keys (or ALLOW_ANONYMOUS=true); see app-config-api-keys.spec.ts.
const KEYED = { API_KEYS: `ops:${'k'.repeat(16)}` };

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/service_import',
      redisUrl: 'redis://127.0.0.1:6379',
      role: 'all',
      publicBaseUrl: 'http://localhost:3000',
      signedUrlTtlSeconds: 3600,
      storage: {
        driver: 'local',
        localDir: resolve('./var/storage'),
        leftoverAgeSeconds: 86_400,
        s3: { region: 'us-east-1', forcePathStyle: false, endpoint: undefined },
      },
      import: { batchSize: 5000, connections: 2, concurrency: 1, uploadTimeoutSeconds: 300 },
    });
    expect(loadConfig({ IMPORT_DB_CONNECTIONS: '1' }).import.connections).toBe(1);
  });

  it('makes a random signing secret per process in development', () => {
    const first = loadConfig({}).downloadSigningSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({}).downloadSigningSecret).not.toBe(first);
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '  ', STORAGE_DRIVER: '' })).toMatchObject({
      port: 3000,
      storage: { driver: 'local' },
    });
  });

  it('reads the variables it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://app:pw@db:5432/imports',
      REDIS_URL: 'redis://cache:6379/2',
      APP_ROLE: 'worker',
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-1',
      S3_BUCKET: 'imports',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      SIGNED_URL_TTL_SECONDS: '60',
      STORAGE_LOCAL_DIR: '/tmp/files',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://app:pw@db:5432/imports',
      redisUrl: 'redis://cache:6379/2',
      role: 'worker',
      publicBaseUrl: 'http://localhost:8080',
      signedUrlTtlSeconds: 60,
      storage: {
        driver: 's3',
        localDir: '/tmp/files',
        s3: {
          endpoint: 'http://minio:9000',
          region: 'eu-west-1',
          bucket: 'imports',
          accessKeyId: 'key',
          secretAccessKey: 'secret',
          forcePathStyle: true,
        },
      },
    });
  });

  it('drops trailing slashes from PUBLIC_BASE_URL', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://imports.example.com/' }).publicBaseUrl).toBe(
      'https://imports.example.com',
    );
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['APP_ROLE', 'everything'],
    ['STORAGE_DRIVER', 'ftp'],
    ['PUBLIC_BASE_URL', 'localhost:3000'],
    ['S3_ENDPOINT', 'minio:9000'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
    ['SIGNED_URL_TTL_SECONDS', '-5'],
    ['SIGNED_URL_TTL_SECONDS', '0'],
    ['DATABASE_POOL_SIZE', '1'],
    ['IMPORT_BATCH_SIZE', 'lots'],
    ['IMPORT_DB_CONNECTIONS', '0'],
    ['IMPORT_DB_CONNECTIONS', '3'],
    ['DOWNLOAD_SIGNING_SECRET', 'short'],
    ['UPLOAD_TIMEOUT_SECONDS', '0'],
    ['UPLOAD_TIMEOUT_SECONDS', '301'], // Node's own request timeout would cut it at 300 s anyway
    ['STORAGE_LEFTOVER_AGE_SECONDS', '0'],
    ['STORAGE_LEFTOVER_AGE_SECONDS', '1h'],
  ])('names %s when it is %p', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
    if (name !== 'DOWNLOAD_SIGNING_SECRET') expect(problems[0]).toContain(`"${value}"`);
  });

  it('reports every bad variable at once, in a message naming each', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', STORAGE_DRIVER: 'ftp', REDIS_URL: 'nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration:/);
    for (const name of ['PORT', 'STORAGE_DRIVER', 'REDIS_URL']) expect(message).toContain(`- ${name} `);
  });

  it('bounds database and Redis calls by default, and validates the bounds', () => {
    expect(loadConfig({})).toMatchObject({ databaseStatementTimeoutMs: 4000, redisCommandTimeoutMs: 4000 });
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow('DATABASE_STATEMENT_TIMEOUT_MS');
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: 'soon' })).toThrow('REDIS_COMMAND_TIMEOUT_MS');
  });

  it('keeps webhooks to https and public addresses by default, and validates their timings', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowHttp: false,
      allowPrivate: false,
      timeoutMs: 10_000,
      backoffMs: 10_000,
      attempts: 13,
      pollMs: 1000,
    });
    const env = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '500' };
    expect(loadConfig(env).webhooks).toMatchObject({ allowHttp: true, allowPrivate: true, timeoutMs: 500 });
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '0' })).toThrow('WEBHOOK_TIMEOUT_MS');
    expect(() => loadConfig({ WEBHOOK_ATTEMPTS: '100' })).toThrow('WEBHOOK_ATTEMPTS');
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow('WEBHOOK_ALLOW_PRIVATE');
  });

  describe('s3 driver', () => {
    it('requires S3_BUCKET', () => {
      expect(problemsOf({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET is required when STORAGE_DRIVER=s3']);
    });

    it('requires both keys or neither', () => {
      expect(problemsOf({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'key' })).toEqual([
        'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together',
      ]);
      expect(loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b' }).storage.s3.accessKeyId).toBeUndefined();
    });
  });

  describe('in production', () => {
    it('requires DOWNLOAD_SIGNING_SECRET with the local driver', () => {
      const problems = problemsOf({ NODE_ENV: 'production', ...KEYED });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DOWNLOAD_SIGNING_SECRET is required when NODE_ENV=production/);
    });

    it('still rejects a short secret', () => {
      expect(
        problemsOf({ NODE_ENV: 'production', ...KEYED, DOWNLOAD_SIGNING_SECRET: 'x'.repeat(31) }),
      ).toEqual(['DOWNLOAD_SIGNING_SECRET must be at least 32 characters long']);
    });

    it('uses the secret it is given', () => {
      const config = loadConfig({ NODE_ENV: 'production', ...KEYED, DOWNLOAD_SIGNING_SECRET: SECRET });
      expect(config.downloadSigningSecret).toBe(SECRET);
    });

    it('does not need the secret with the s3 driver, whose links S3 signs', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        ...KEYED,
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'imports',
      });
      expect(config.storage.driver).toBe('s3');
    });
  });
});

describe('loadConfig: logs and metrics', () => {
  it('defaults to JSON logs at info and no separate metrics port', () => {
    const config = loadConfig({});
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.metricsPort).toBeNull();
    expect(config.sseMaxStreamsPerKey).toBe(20);
  });

  it('reads LOG_LEVEL, LOG_FORMAT and METRICS_PORT', () => {
    const config = loadConfig({ LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty', METRICS_PORT: '9464' });
    expect(config.log).toEqual({ level: 'warn', format: 'pretty' });
    expect(config.metricsPort).toBe(9464);
    expect(loadConfig({ SSE_MAX_STREAMS_PER_KEY: '2000' }).sseMaxStreamsPerKey).toBe(2000);
  });

  it('names a bad value', () => {
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT must be one of json, pretty (got "xml")']);
    expect(problemsOf({ METRICS_PORT: '70000' })).toEqual([
      'METRICS_PORT must be a whole number from 1 to 65535 (got "70000")',
    ]);
  });

  it('refuses METRICS_PORT = PORT where the API listens, allows it for a worker (no HTTP server)', () => {
    expect(problemsOf({ PORT: '3000', METRICS_PORT: '3000' })).toEqual([
      'METRICS_PORT must differ from PORT (both are 3000)',
    ]);
    expect(loadConfig({ APP_ROLE: 'worker', PORT: '3000', METRICS_PORT: '3000' }).metricsPort).toBe(3000);
  });
});
