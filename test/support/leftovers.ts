import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readdirSync, readlinkSync } from 'node:fs';
import type { TestApp } from './test-app';

/**
 * What an interrupted upload could leave behind, counted from outside the code under test: this
 * process's open file descriptors (the app runs in it) and what is in storage.
 */
export interface Leftovers {
  /** Every open fd of the process, sockets included (pools may keep a few more or fewer). */
  fds: number;
  /** Open fds that are not sockets: files (a partial file being written), pipes, ... */
  fileFds: number;
  /** Local: files under STORAGE_LOCAL_DIR, partial ones included. S3: objects + unfinished multipart uploads. */
  stored: number;
}

export function openFds(): { fds: number; fileFds: number } {
  let fds = 0;
  let fileFds = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the fd of readdirSync's own directory, closed by now
    }
    fds++;
    if (!target.startsWith('socket:')) fileFds++;
  }
  return { fds, fileFds };
}

export function s3ClientFor(t: TestApp): S3Client {
  const s3 = t.config.storage.s3;
  return new S3Client({
    endpoint: process.env.TEST_S3_ENDPOINT, // directly, not through a relay the test may block
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId!, secretAccessKey: s3.secretAccessKey! },
  });
}

export async function storedCount(t: TestApp, s3?: S3Client): Promise<number> {
  if (t.config.storage.driver === 'local') {
    return readdirSync(t.config.storage.localDir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    ).length;
  }
  const Bucket = t.config.storage.s3.bucket;
  let count = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3!.send(new ListObjectsV2Command({ Bucket, ContinuationToken }));
    count += page.KeyCount ?? 0;
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return count + (await unfinishedMultipartUploads(s3!, Bucket));
}

export async function unfinishedMultipartUploads(s3: S3Client, Bucket: string): Promise<number> {
  let count = 0;
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket, ...markers }));
    count += page.Uploads?.length ?? 0;
    if (!page.IsTruncated) return count;
    markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}

export async function leftovers(t: TestApp, s3?: S3Client): Promise<Leftovers> {
  return { ...openFds(), stored: await storedCount(t, s3) };
}

/**
 * Sockets the pools (PostgreSQL, Redis, the S3 client's keep-alive agent) open and close on their
 * own; everything else must be back exactly.
 */
export const SOCKET_SLACK = 16;

export function isBackTo(before: Leftovers, now: Leftovers): boolean {
  return (
    now.stored === before.stored && now.fileFds <= before.fileFds && now.fds <= before.fds + SOCKET_SLACK
  );
}

/**
 * Waits (bounded) until what the uploads opened and wrote is gone: a client that vanished gets no
 * answer to wait for, so its clean-up is only observable from outside, a moment later.
 */
export async function settledLeftovers(t: TestApp, before: Leftovers, s3?: S3Client): Promise<Leftovers> {
  const deadline = Date.now() + 30_000;
  let now = await leftovers(t, s3);
  while (!isBackTo(before, now) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    now = await leftovers(t, s3);
  }
  return now;
}
