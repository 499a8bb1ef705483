import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export const PG_SERVER_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataSource: DataSource;
  /** http://127.0.0.1:PORT of the listening app, for plain fetch() of signed links. */
  baseUrl: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/** The variables every test app gets unless a test overrides them. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    NODE_ENV: 'test',
    DATABASE_URL: `${PG_SERVER_URL}/si_test_${id}`,
    REDIS_URL,
    QUEUE_PREFIX: `si-test-${id}`,
    STORAGE_DRIVER: 'local',
    STORAGE_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'si-storage-')),
    // Specs upload many files quickly; those that test the limits set their own.
    UPLOAD_RATE_LIMIT: '100000',
    MAX_ACTIVE_IMPORTS_PER_KEY: '100000',
    // Request logs (pino) only for problems; a spec that reads logs runs a process of its own.
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

/** The S3 variables of the server test/setup/global-setup.ts started (Swift + s3api on loopback). */
export function s3Env(bucket = `si-test-${randomBytes(4).toString('hex')}`): Record<string, string> {
  return {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: required('TEST_S3_ENDPOINT'),
    S3_REGION: process.env.TEST_S3_REGION ?? 'us-east-1',
    S3_ACCESS_KEY_ID: required('TEST_S3_ACCESS_KEY_ID'),
    S3_SECRET_ACCESS_KEY: required('TEST_S3_SECRET_ACCESS_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: bucket,
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: the e2e global setup starts the S3 test server and sets it`);
  return value;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the whole application as main.ts does, on its own throwaway database, Bull prefix and
 * storage folder, listening on a free loopback port.
 */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  const env = testEnv({ PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...overrides });
  const config = loadConfig(env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  setupApp(app);
  await app.listen(port, '127.0.0.1');
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    dataSource,
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl: config.databaseUrl,
    close: async () => {
      await app.close();
      await dropDatabase(config.databaseUrl);
      await deleteQueueKeys(config.queuePrefix);
      if (config.storage.driver === 'local')
        rmSync(config.storage.localDir, { recursive: true, force: true });
    },
  };
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  const admin = new Client({ connectionString: `${PG_SERVER_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
