import type { ApiKey } from './api-keys';

/** The typed sections of AppConfig (app-config.ts reads and validates them). */

export interface LogConfig {
  /** LOG_LEVEL: pino's level. */
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_FORMAT: json (one object a line) or pretty (colored); default pretty in development on a terminal, else json. */
  format: 'json' | 'pretty';
}

export interface AuthConfig {
  /** Empty when neither API_KEYS nor API_KEYS_FILE is set: the API is open (anonymous principal). */
  apiKeys: ApiKey[];
  /** ADMIN_API_KEYS: names of keys in apiKeys that may open the queue dashboard (operators). */
  adminKeyNames: string[];
  /** ALLOW_ANONYMOUS: lets NODE_ENV=production run without keys, on purpose. */
  allowAnonymous: boolean;
  /** Uploads one principal may start per window (POST /api/service-imports); more → 429. */
  uploadRateLimit: number;
  uploadRateWindowSeconds: number;
  /** Queued + InProgress imports one principal may have at once; more → 429. */
  maxActiveImportsPerKey: number;
}

export type AppRole = 'api' | 'worker' | 'all';

export interface StorageConfig {
  driver: 'local' | 's3';
  localDir: string;
  /** STORAGE_LEFTOVER_AGE_SECONDS: a partial file or unfinished multipart upload older than this is a crash leftover. */
  leftoverAgeSeconds: number;
  s3: {
    endpoint?: string;
    /** The endpoint browsers use for download links, when it differs from `endpoint`. */
    publicEndpoint?: string;
    region: string;
    bucket: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    forcePathStyle: boolean;
  };
}

export interface ImportConfig {
  maxFileBytes: number;
  /** UPLOAD_TIMEOUT_SECONDS: the longest an upload's body may take to arrive; longer → 408. */
  uploadTimeoutSeconds: number;
  maxRows: number;
  /**
   * IMPORT_MAX_FIELD_CHARS (old name IMPORT_MAX_FIELD_BYTES, still read): the longest value, counted
   * in characters (UTF-16 code units) of the decoded text, not in bytes of the file.
   */
  maxFieldChars: number;
  /** IMPORT_MAX_COLUMNS: the widest header an upload may have; wider → 400 before any job exists. */
  maxColumns: number;
  /**
   * IMPORT_MAX_XLSX_INFLATED_BYTES: most bytes a workbook's parts may unzip to, all together; more
   * (a zip bomb) → 413 at upload.
   */
  maxXlsxInflatedBytes: number;
  batchSize: number;
  /** Database connections of one running import: 2 keeps two consecutive batches in the database at once. */
  connections: number;
  concurrency: number;
  attempts: number;
  retentionDays: number;
}

export interface WebhookConfig {
  /** WEBHOOK_ALLOW_HTTP: accept http:// endpoint URLs (otherwise https only). */
  allowHttp: boolean;
  /** WEBHOOK_ALLOW_PRIVATE: accept endpoints on loopback, private, link-local and unique-local addresses. */
  allowPrivate: boolean;
  /** WEBHOOK_TIMEOUT_MS: how long one delivery attempt may take, connection included. */
  timeoutMs: number;
  /** WEBHOOK_BACKOFF_MS: Bull's exponential backoff base D: the n-th retry waits (2^n - 1) x D. */
  backoffMs: number;
  /** WEBHOOK_ATTEMPTS: attempts of one event before it is marked failed. */
  attempts: number;
  /** WEBHOOK_POLL_MS: how often a worker looks for outbox events not queued yet. */
  pollMs: number;
}
