import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultLogFormat, prettyAvailable } from '../logging/log-format';
import { ApiKey, apiKeyEntriesFromFile, apiKeyEntriesFromList, parseApiKeys } from './api-keys';
import { Env, EnvReader } from './env-reader';
import type {
  AppRole,
  AuthConfig,
  ImportConfig,
  LogConfig,
  StorageConfig,
  WebhookConfig,
} from './config-types';

// The parts' types are part of this module's surface: callers import them with AppConfig.
export type * from './config-types';

/**
 * The whole typed configuration of the service. Built once from the environment by `loadConfig`,
 * injected everywhere by class (`constructor(private readonly config: AppConfig)`); nothing else
 * reads process.env.
 */
export class AppConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  /** DATABASE_CONNECT_RETRIES: start-up tries again this many times (backoff 0.5 s doubling to 8 s) before it exits 1. */
  databaseConnectRetries: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS: statement_timeout of the shared pool; the client gives up 0.5 s later. */
  databaseStatementTimeoutMs: number;
  redisUrl: string;
  /** REDIS_COMMAND_TIMEOUT_MS: how long a Redis command of a request (queue, rate limit) may take. */
  redisCommandTimeoutMs: number;
  queuePrefix: string;
  /** Bull's job lock: a worker that stops renewing it for this long is presumed dead. */
  queueLockDurationMs: number;
  /** How often each worker looks for jobs whose lock expired (stalled) and re-queues them. */
  queueStalledIntervalMs: number;
  role: AppRole;
  publicBaseUrl: string;
  signedUrlTtlSeconds: number;
  downloadSigningSecret: string;
  storage: StorageConfig;
  import: ImportConfig;
  auth: AuthConfig;
  log: LogConfig;
  /** METRICS_PORT: a separate listener serving only GET /metrics (how workers expose theirs); null = none. */
  metricsPort: number | null;
  /** SSE_MAX_STREAMS_PER_KEY: event streams one principal (anonymous: one IP) may hold open on one API process; more → 429. */
  sseMaxStreamsPerKey: number;
  webhooks: WebhookConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every variable; collects all problems so one start-up shows them all. */
export function loadConfig(env: Env = process.env, stdoutIsTty = process.stdout.isTTY === true): AppConfig {
  const problems: string[] = [];
  const r = new EnvReader(env, problems);

  const nodeEnv = r.str('NODE_ENV', 'development');
  const port = r.int('PORT', 3000, 1, 65535);
  const driver = r.oneOf('STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  const role = r.oneOf('APP_ROLE', ['api', 'worker', 'all'] as const, 'all');
  const databaseUrl = r.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/service_import', [
    'postgres:',
    'postgresql:',
  ]);
  const redisUrl = r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const publicBaseUrl = r
    .url('PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:'])
    .replace(/\/+$/, '');

  let downloadSigningSecret = env.DOWNLOAD_SIGNING_SECRET ?? '';
  if (downloadSigningSecret === '') {
    if (nodeEnv === 'production' && driver === 'local') {
      problems.push(
        'DOWNLOAD_SIGNING_SECRET is required when NODE_ENV=production with STORAGE_DRIVER=local (at least 32 characters)',
      );
    }
    downloadSigningSecret = randomBytes(32).toString('hex');
  } else if (downloadSigningSecret.length < 32) {
    problems.push('DOWNLOAD_SIGNING_SECRET must be at least 32 characters long');
  }

  const s3 = {
    endpoint: r.optionalUrl('S3_ENDPOINT', ['http:', 'https:']),
    publicEndpoint: r.optionalUrl('S3_PUBLIC_ENDPOINT', ['http:', 'https:']),
    region: r.str('S3_REGION', 'us-east-1'),
    bucket: r.str('S3_BUCKET', ''),
    accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: r.bool('S3_FORCE_PATH_STYLE', false),
  };
  if (driver === 's3') {
    if (!s3.bucket) problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
    if (Boolean(s3.accessKeyId) !== Boolean(s3.secretAccessKey)) {
      problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
    }
  }

  const apiKeys = readApiKeys(env, problems);
  const allowAnonymous = r.bool('ALLOW_ANONYMOUS', false);
  const adminKeyNames = readAdminKeyNames(env, apiKeys, problems);
  if (nodeEnv === 'production' && role !== 'worker' && apiKeys.length === 0 && !allowAnonymous) {
    problems.push(
      'API_KEYS (or API_KEYS_FILE) is required when NODE_ENV=production; set ALLOW_ANONYMOUS=true to serve an open API on purpose',
    );
  }

  const metricsPort = env.METRICS_PORT?.trim() ? r.int('METRICS_PORT', 0, 1, 65535) : null;
  if (metricsPort !== null && metricsPort === port && role !== 'worker') {
    problems.push(`METRICS_PORT must differ from PORT (both are ${port})`);
  }

  const config: AppConfig = {
    nodeEnv,
    port,
    databaseUrl,
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 2, 200),
    databaseConnectRetries: r.int('DATABASE_CONNECT_RETRIES', 6, 0, 100),
    databaseStatementTimeoutMs: r.int('DATABASE_STATEMENT_TIMEOUT_MS', 4000, 100, 600_000),
    redisUrl,
    redisCommandTimeoutMs: r.int('REDIS_COMMAND_TIMEOUT_MS', 4000, 100, 600_000),
    queuePrefix: r.str('QUEUE_PREFIX', 'service-import'),
    queueLockDurationMs: r.int('QUEUE_LOCK_DURATION_MS', 30_000, 1000, 600_000),
    queueStalledIntervalMs: r.int('QUEUE_STALLED_INTERVAL_MS', 15_000, 500, 600_000),
    role,
    publicBaseUrl,
    signedUrlTtlSeconds: r.int('SIGNED_URL_TTL_SECONDS', 3600, 1, 7 * 24 * 3600),
    downloadSigningSecret,
    storage: {
      driver,
      localDir: resolve(r.str('STORAGE_LOCAL_DIR', './var/storage')),
      leftoverAgeSeconds: r.int('STORAGE_LEFTOVER_AGE_SECONDS', 86_400, 1, 365 * 86_400),
      s3,
    },
    import: {
      maxFileBytes: r.int('IMPORT_MAX_FILE_BYTES', 100 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
      // Node's own request timeout is 300 s, so a longer value would not take effect.
      uploadTimeoutSeconds: r.int('UPLOAD_TIMEOUT_SECONDS', 300, 1, 300),
      maxRows: r.int('IMPORT_MAX_ROWS', 1_000_000, 1, Number.MAX_SAFE_INTEGER),
      maxFieldChars: r.int(
        r.renamed('IMPORT_MAX_FIELD_CHARS', 'IMPORT_MAX_FIELD_BYTES'),
        64 * 1024,
        16,
        16 * 1024 * 1024,
      ),
      maxColumns: r.int('IMPORT_MAX_COLUMNS', 100, 2, 1000),
      maxXlsxInflatedBytes: r.int(
        'IMPORT_MAX_XLSX_INFLATED_BYTES',
        1024 * 1024 * 1024,
        1024,
        Number.MAX_SAFE_INTEGER,
      ),
      batchSize: r.int('IMPORT_BATCH_SIZE', 5000, 1, 50_000),
      connections: r.int('IMPORT_DB_CONNECTIONS', 2, 1, 2),
      concurrency: r.int('IMPORT_CONCURRENCY', 1, 1, 64),
      attempts: r.int('IMPORT_ATTEMPTS', 5, 1, 100),
      retentionDays: r.int('IMPORT_RETENTION_DAYS', 7, 1, 3650),
    },
    auth: {
      apiKeys,
      adminKeyNames,
      allowAnonymous,
      uploadRateLimit: r.int('UPLOAD_RATE_LIMIT', 30, 1, 1_000_000),
      uploadRateWindowSeconds: r.int('UPLOAD_RATE_WINDOW_SECONDS', 60, 1, 86_400),
      maxActiveImportsPerKey: r.int('MAX_ACTIVE_IMPORTS_PER_KEY', 10, 1, 100_000),
    },
    log: readLogConfig(r, nodeEnv, stdoutIsTty),
    metricsPort,
    sseMaxStreamsPerKey: r.int('SSE_MAX_STREAMS_PER_KEY', 20, 1, 100_000),
    webhooks: {
      allowHttp: r.bool('WEBHOOK_ALLOW_HTTP', false),
      allowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      backoffMs: r.int('WEBHOOK_BACKOFF_MS', 10_000, 10, 3_600_000),
      attempts: r.int('WEBHOOK_ATTEMPTS', 13, 1, 30),
      pollMs: r.int('WEBHOOK_POLL_MS', 1000, 50, 3_600_000),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.assign(new AppConfig(), config);
}

/**
 * LOG_LEVEL and LOG_FORMAT alone, never failing (a bad value gives its default): main.ts logs with
 * them before the whole configuration is read, so that a configuration error is a log line too.
 */
export function loadLogConfig(
  env: Env = process.env,
  stdoutIsTty = process.stdout.isTTY === true,
): LogConfig {
  return readLogConfig(new EnvReader(env, []), env.NODE_ENV?.trim() || 'development', stdoutIsTty);
}

function readLogConfig(r: EnvReader, nodeEnv: string, stdoutIsTty: boolean): LogConfig {
  return {
    level: r.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    format: r.oneOf(
      'LOG_FORMAT',
      ['json', 'pretty'] as const,
      defaultLogFormat(nodeEnv, stdoutIsTty, prettyAvailable()),
    ),
  };
}

/** API_KEYS or API_KEYS_FILE (not both); an empty list means the API is open. */
function readApiKeys(env: Env, problems: string[]): ApiKey[] {
  const list = env.API_KEYS?.trim() || undefined;
  const file = env.API_KEYS_FILE?.trim() || undefined;
  if (list && file) {
    problems.push('API_KEYS and API_KEYS_FILE are both set; use one of them');
    return [];
  }
  if (list) return parseApiKeys(apiKeyEntriesFromList(list), 'API_KEYS', problems);
  if (!file) return [];
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(
      `API_KEYS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${file})`,
    );
    return [];
  }
  return parseApiKeys(apiKeyEntriesFromFile(content), 'API_KEYS_FILE', problems);
}

/** ADMIN_API_KEYS: comma-separated names of API keys that are operators; each must be a configured key. */
function readAdminKeyNames(env: Env, apiKeys: ApiKey[], problems: string[]): string[] {
  const names = (env.ADMIN_API_KEYS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return [];
  if (apiKeys.length === 0) {
    problems.push('ADMIN_API_KEYS is set but no API_KEYS (or API_KEYS_FILE) are configured');
    return [];
  }
  const known = new Set(apiKeys.map((key) => key.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    problems.push(`ADMIN_API_KEYS names keys that are not configured: ${unknown.join(', ')}`);
  }
  return [...new Set(names)];
}
