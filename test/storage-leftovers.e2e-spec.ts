import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageService } from '../src/storage/storage.service';
import { unfinishedMultipartUploads } from './support/leftovers';
import { createTestApp, s3Env, TestApp } from './support/test-app';

/**
 * What a process killed in the middle of a write leaves — a `.partial` file beside its target, an
 * unfinished S3 multipart upload — is removed when a process starts (and hourly), once older than
 * STORAGE_LEFTOVER_AGE_SECONDS; a younger one may be a live write of another process and stays.
 */
describe('crash leftovers in storage are swept', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('local: old partial files are removed at start-up; young ones and complete files stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-leftovers-'));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const file = (path: string, bytes: number, mtime?: Date) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), Buffer.alloc(bytes, 'x'));
      if (mtime) utimesSync(join(dir, path), mtime, mtime);
      return join(dir, path);
    };
    const crashedUpload = file('uploads/.0b7c.csv.0123456789ab.partial', 4 * 1024 * 1024, twoHoursAgo);
    const crashedReport = file('reports/.42.csv.abcdef012345.partial', 1000, twoHoursAgo);
    const live = file('uploads/.live.csv.fedcba987654.partial', 1000);
    const complete = file('uploads/0b7c.csv', 1000, twoHoursAgo);
    const lookalike = file('uploads/.notes.partial', 10, twoHoursAgo); // not a name put() writes

    t = await createTestApp({ STORAGE_LOCAL_DIR: dir, STORAGE_LEFTOVER_AGE_SECONDS: '3600' });

    expect([crashedUpload, crashedReport, live, complete, lookalike].map(existsSync)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    // The periodic sweep applies the same rule once the live one is old too.
    utimesSync(live, twoHoursAgo, twoHoursAgo);
    await expect(t.app.get(StorageService).sweepLeftovers()).resolves.toBe(1);
    expect(existsSync(live)).toBe(false);
    expect(existsSync(complete)).toBe(true);
  });

  it('s3: old unfinished multipart uploads are aborted at start-up; objects stay', async () => {
    const env = s3Env();
    const s3 = new S3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    });
    const Bucket = env.S3_BUCKET;
    try {
      await s3.send(new CreateBucketCommand({ Bucket }));
      for (const Key of ['uploads/crashed-1.csv', 'reports/crashed-2.csv']) {
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
        await s3.send(
          new UploadPartCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber: 1,
            Body: Buffer.alloc(5 * 1024 * 1024, 'x'),
          }),
        );
      }
      await s3.send(
        new PutObjectCommand({ Bucket, Key: 'uploads/kept.csv', Body: 'clientCode,serviceCode\n' }),
      );
      expect(await unfinishedMultipartUploads(s3, Bucket)).toBe(2);
      // Older than the age below by the time the app starts (S3 dates have whole seconds, and Swift
      // rounds them up).
      await new Promise((resolve) => setTimeout(resolve, 3500));

      t = await createTestApp({ ...env, STORAGE_LEFTOVER_AGE_SECONDS: '2' });

      expect(await unfinishedMultipartUploads(s3, Bucket)).toBe(0);
      const storage = t.app.get(StorageService);
      await expect(storage.exists('uploads/kept.csv')).resolves.toBe(true);

      // A young one (a write in progress elsewhere) is left alone by the same rule.
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket, Key: 'uploads/young.csv' }),
      );
      t.config.storage.leftoverAgeSeconds = 3600;
      await expect(storage.sweepLeftovers()).resolves.toBe(0);
      expect(await unfinishedMultipartUploads(s3, Bucket)).toBe(1);
      t.config.storage.leftoverAgeSeconds = 2;
      // Past the age by more than a second: Swift rounds an upload's Initiated date up to the next whole
      // second, so 2.5 s after creating it the upload may still look only 1.5 s old.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await expect(storage.sweepLeftovers()).resolves.toBe(1);
      expect(UploadId).toBeTruthy();
      expect(await unfinishedMultipartUploads(s3, Bucket)).toBe(0);
    } finally {
      s3.destroy();
    }
  });
});
