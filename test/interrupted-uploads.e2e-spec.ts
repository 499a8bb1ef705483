import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  leftovers,
  Leftovers,
  s3ClientFor,
  settledLeftovers,
  SOCKET_SLACK,
  storedCount,
} from './support/leftovers';
import { Ending, rawUpload } from './support/raw-upload';
import { TcpRelay } from './support/tcp-relay';
import { createTestApp, s3Env, TestApp } from './support/test-app';

/**
 * Every way an upload can end without a job — body cut before its closing boundary, client gone
 * mid-body, the server's upload timeout, 413, 415, 400, 429, storage down — 300 times each, against
 * the running app with either storage driver. Afterwards the process's open fds and what is in
 * storage (files, partial files; S3 objects and unfinished multipart uploads) must be back where they
 * started, and no job may exist.
 */

const UPLOADS_PER_KIND = 300;
/** Larger than twice the S3 driver's 8 MiB part size: even half of it starts a multipart upload. */
const BIG_BYTES = 17 * 1024 * 1024;
const LIMITED_MAX_FILE_BYTES = 16 * 1024;
const UPLOAD_TIMEOUT_SECONDS = 2;

interface Kind {
  name: string;
  /** The app that shows it: `main` (default limits), or `limited` (small file limit, short timeout, rate limit). */
  app: 'main' | 'limited';
  ending: Ending;
  /** The answer the client must get; null: none (the client is gone before there is one). */
  status: number | null;
  content: (i: number) => Buffer;
  /** Connections at once. */
  batch: number;
  /** Storage made unusable for the duration of the kind. */
  storageDown?: true;
}

/** A valid CSV of about `bytes` bytes. */
function csv(bytes: number): Buffer {
  const header = 'clientCode,serviceCode,quantity\n';
  const rows = Math.max(1, Math.ceil((bytes - header.length) / 12));
  return Buffer.from(header + 'K00001,Z001,1\n'.repeat(rows));
}
const csvCache = new Map<number, Buffer>();
const cachedCsv = (bytes: number) => csvCache.get(bytes) ?? csvCache.set(bytes, csv(bytes)).get(bytes)!;

/** Sizes cycled through; every 150th upload of the kinds that allow it is BIG_BYTES. */
const SIZES = [200, 3_000, 30_000, 100_000, 250_000];
const sized = (i: number, big: boolean) =>
  cachedCsv(big && i % 150 === 7 ? BIG_BYTES : SIZES[i % SIZES.length]);

const BINARY_MAGICS = ['\x89PNG\r\n\x1a\n', 'PK\x03\x04', '%PDF-1.7\n\x00', 'GIF89a', '\x00\x00\x00'];
const MISSING_COLUMN_HEADERS = [
  'clientCode,quantity',
  'serviceCode',
  'client;service',
  'a,b,c,d',
  'quantity',
];

const KINDS: Kind[] = [
  {
    name: 'body cut before its closing boundary',
    app: 'main',
    ending: 'cut',
    status: 400,
    batch: 100,
    content: (i) => sized(i, true),
  },
  {
    name: 'client socket destroyed mid-body',
    app: 'main',
    ending: 'destroy',
    status: null,
    batch: 100,
    content: (i) => sized(i, true),
  },
  {
    name: 'binary content (415)',
    app: 'main',
    ending: 'complete',
    status: 415,
    batch: 100,
    content: (i) => Buffer.concat([Buffer.from(BINARY_MAGICS[i % 5], 'latin1'), randomBytes(SIZES[i % 4])]),
  },
  {
    name: 'missing column (400)',
    app: 'main',
    ending: 'complete',
    status: 400,
    batch: 100,
    content: (i) =>
      Buffer.from(`${MISSING_COLUMN_HEADERS[i % 5]}\n${'K1,Z1\n'.repeat(1 + ((i * 37) % 5000))}`),
  },
  {
    name: 'storage down (503)',
    app: 'main',
    ending: 'complete',
    status: 503,
    batch: 100,
    storageDown: true,
    content: (i) => sized(i, false),
  },
  // In this order: the 600 uploads before the 429s spend the rate limit.
  {
    name: `upload timeout (408 after ${UPLOAD_TIMEOUT_SECONDS} s)`,
    app: 'limited',
    ending: 'stall',
    status: 408,
    batch: 150,
    content: (i) => cachedCsv(100 + ((i * 53) % (LIMITED_MAX_FILE_BYTES - 200))),
  },
  {
    name: 'too large (413)',
    app: 'limited',
    ending: 'complete',
    status: 413,
    batch: 100,
    content: (i) => cachedCsv(LIMITED_MAX_FILE_BYTES + 1 + ((i * 997) % 48_000)),
  },
  {
    name: 'rate limited (429)',
    app: 'limited',
    ending: 'complete',
    status: 429,
    batch: 100,
    content: (i) => cachedCsv(SIZES[i % 3]),
  },
];

interface Driver {
  driver: 'local' | 's3';
}

describe.each<Driver>([{ driver: 'local' }, { driver: 's3' }])(
  '$driver driver: interrupted uploads',
  ({ driver }) => {
    const apps: Partial<Record<Kind['app'], TestApp>> = {};
    let relay: TcpRelay | undefined;
    let s3: S3Client | undefined;
    const figures: string[] = [];
    /** What each app's storage holds before any upload: every kind must leave it exactly so. */
    const storedAtStart: Partial<Record<Kind['app'], number>> = {};

    beforeAll(async () => {
      let storageEnv: () => Record<string, string> = () => ({});
      if (driver === 's3') {
        // The main app reaches S3 through a relay the storage-down kind closes.
        relay = await new TcpRelay(new URL(process.env.TEST_S3_ENDPOINT!)).open();
        storageEnv = () => {
          const env = s3Env();
          return { ...env, S3_ENDPOINT: relay!.via(env.S3_ENDPOINT) };
        };
      }
      apps.main = await createTestApp(storageEnv());
      apps.limited = await createTestApp({
        ...storageEnv(),
        IMPORT_MAX_FILE_BYTES: String(LIMITED_MAX_FILE_BYTES),
        UPLOAD_TIMEOUT_SECONDS: String(UPLOAD_TIMEOUT_SECONDS),
        UPLOAD_RATE_LIMIT: String(2 * UPLOADS_PER_KIND),
        UPLOAD_RATE_WINDOW_SECONDS: '3600',
      });
      if (driver === 's3') s3 = s3ClientFor(apps.main);
      for (const app of ['main', 'limited'] as const) storedAtStart[app] = await storedCount(apps[app]!, s3);
    });

    afterAll(async () => {
      console.log(`${driver} driver, ${UPLOADS_PER_KIND} uploads of each kind:\n  ${figures.join('\n  ')}`);
      await relay?.unblock();
      await apps.main?.close();
      await apps.limited?.close();
      s3?.destroy();
      await relay?.block();
    });

    it.each(KINDS)('$name: fds and stored files back where they started, no job', async (kind) => {
      const t = apps[kind.app]!;
      // Stored: measured against the start, not the end of the kind before: an upload the kind before
      // cut may still have an S3 multipart upload being created while it settled, aborted a moment later.
      const before = { ...(await leftovers(t, s3)), stored: storedAtStart[kind.app]! };
      const restore = kind.storageDown ? await takeStorageDown(t, relay) : async () => undefined;
      const statuses = new Map<string, number>();
      try {
        for (let start = 0; start < UPLOADS_PER_KIND; start += kind.batch) {
          const batch = Array.from(
            { length: Math.min(kind.batch, UPLOADS_PER_KIND - start) },
            (_, j) => start + j,
          );
          const answers = await Promise.all(
            batch.map((i) =>
              rawUpload({
                port: Number(new URL(t.baseUrl).port),
                content: kind.content(i),
                ending: kind.ending,
              }),
            ),
          );
          for (const { status } of answers)
            statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
        }
      } finally {
        await restore();
      }
      expect(Object.fromEntries(statuses)).toEqual({ [String(kind.status)]: UPLOADS_PER_KIND });

      const after = await settledLeftovers(t, before, s3);
      figures.push(figure(kind, before, after));
      expect(after.stored).toBe(before.stored);
      expect(after.fileFds).toBeLessThanOrEqual(before.fileFds);
      expect(after.fds).toBeLessThanOrEqual(before.fds + SOCKET_SLACK);
      const [{ jobs }] = await t.dataSource.query(`SELECT count(*)::int AS jobs FROM service_import_jobs`);
      expect(jobs).toBe(0);
    });
  },
);

/** Local: the uploads folder becomes a plain file, so nothing can be written under it. S3: its port closes. */
async function takeStorageDown(t: TestApp, relay?: TcpRelay): Promise<() => Promise<void>> {
  if (relay) {
    await relay.block();
    return async () => void (await relay.unblock());
  }
  const uploads = join(t.config.storage.localDir, 'uploads');
  rmSync(uploads, { recursive: true, force: true });
  writeFileSync(uploads, 'not a folder');
  return async () => {
    rmSync(uploads, { force: true });
    mkdirSync(uploads);
  };
}

function figure(kind: Kind, before: Leftovers, after: Leftovers): string {
  return (
    `${kind.name}: fds ${before.fds} → ${after.fds} (non-socket ${before.fileFds} → ${after.fileFds}), ` +
    `stored ${before.stored} → ${after.stored}`
  );
}
