import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { InvalidStorageKeyError } from '../src/storage/storage-key';
import { StorageService } from '../src/storage/storage.service';
import { StorageObjectNotFoundError } from '../src/storage/storage.types';
import { createTestApp, s3Env, TestApp } from './support/test-app';

/**
 * One contract, both drivers: whatever STORAGE_DRIVER says, callers see the same behaviour, and
 * signed links are checked with a plain fetch() as a browser would use them. The S3 case runs
 * against Swift + s3api, which verifies signatures and expiry like AWS does.
 */

/** Larger than the S3 driver's 8 MiB part size, so the s3 case goes through a multipart upload. */
const LARGE_BYTES = 10 * 1024 * 1024 + 12345;
const FILE_NAME = 'Relatório de erros (março).csv';

interface DriverCase {
  driver: 'local' | 's3';
  env: () => Record<string, string>;
  /** Changes one character of the link's signature. */
  tamperSignature: (url: string) => string;
  /** Points the link at another object but keeps the original signature. */
  tamperTarget: (url: string, otherKey: string) => string;
}

const cases: DriverCase[] = [
  {
    driver: 'local',
    env: () => ({}),
    tamperSignature: (url) => {
      const { prefix, payload, signature } = splitLocalLink(url);
      return `${prefix}${payload}.${flipChar(signature, Math.floor(signature.length / 2))}`;
    },
    tamperTarget: (url, otherKey) => {
      const { prefix, payload, signature } = splitLocalLink(url);
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...claims, k: otherKey })).toString('base64url');
      return `${prefix}${forged}.${signature}`;
    },
  },
  {
    driver: 's3',
    env: () => s3Env(),
    tamperSignature: (url) => {
      const link = new URL(url);
      const signature = link.searchParams.get('X-Amz-Signature')!;
      link.searchParams.set('X-Amz-Signature', flipChar(signature, Math.floor(signature.length / 2)));
      return link.toString();
    },
    tamperTarget: (url, otherKey) => {
      const link = new URL(url);
      link.pathname = link.pathname.replace(/\/uploads\/.*$/, `/${otherKey}`);
      return link.toString();
    },
  },
];

describe.each(cases)('storage with the $driver driver', ({ driver, env, tamperSignature, tamperTarget }) => {
  let testApp: TestApp;
  let storage: StorageService;

  beforeAll(async () => {
    testApp = await createTestApp(env());
    storage = testApp.app.get(StorageService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const newKey = () => `uploads/${randomUUID()}.csv`;

  async function putText(key: string, text: string): Promise<void> {
    await storage.put(key, Readable.from([Buffer.from(text)]), { contentType: 'text/csv' });
  }

  it('is the configured driver, reachable, and init() is repeatable', async () => {
    expect(storage.driverName).toBe(driver);
    await expect(storage.ping()).resolves.toBeUndefined();
    await expect(storage.onModuleInit()).resolves.toBeUndefined();
  });

  it('streams a multi-megabyte upload in and the same bytes out', async () => {
    const key = newKey();
    const source = generatedCsv(LARGE_BYTES);

    await expect(storage.put(key, source.stream, { contentType: 'text/csv' })).resolves.toEqual({
      size: LARGE_BYTES,
    });

    const readBack = await digest(await storage.get(key));
    expect(readBack).toEqual({ bytes: LARGE_BYTES, sha256: source.sha256() });
  });

  it('stores nothing under the key when the source stream fails midway', async () => {
    const key = newKey();
    async function* breaksAfterOneChunk(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(64 * 1024, 'x');
      throw new Error('client went away');
    }

    await expect(storage.put(key, Readable.from(breaksAfterOneChunk()))).rejects.toThrow('client went away');
    expect(await storage.exists(key)).toBe(false);
    if (driver === 'local') {
      const leftovers = readdirSync(testApp.config.storage.localDir, { recursive: true }) as string[];
      expect(leftovers.filter((name) => name.endsWith('.partial'))).toEqual([]);
    }
  });

  it('overwrites an existing key', async () => {
    const key = newKey();
    await putText(key, 'first version, longer than the second\n');
    await putText(key, 'second\n');
    expect(await text(await storage.get(key))).toBe('second\n');
  });

  it('answers exists, deletes idempotently, and reports a missing key as StorageObjectNotFoundError', async () => {
    const key = `uploads/nested/${randomUUID()}/errors.csv`;
    await putText(key, 'a;b\n1;2\n');
    expect(await storage.exists(key)).toBe(true);

    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.get(key)).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    await expect(storage.delete(key)).resolves.toBeUndefined();
    await expect(storage.get(newKey())).rejects.toMatchObject({
      name: 'StorageObjectNotFoundError',
    });
  });

  it('refuses keys that could escape the storage folder', async () => {
    for (const key of [
      '../etc/passwd',
      'uploads/../../x.csv',
      '/uploads/x.csv',
      'uploads\\x.csv',
      'a//b',
      '',
    ]) {
      await expect(storage.put(key, Readable.from(['x']))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.signedDownloadUrl(key, { fileName: 'x.csv' })).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
    }
  });

  it('serves a signed link to anyone, as an attachment under the given file name', async () => {
    const key = newKey();
    const body = 'código;valor\nA1;1,50\n';
    await putText(key, body);

    const url = await storage.signedDownloadUrl(key, { fileName: FILE_NAME });
    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body);
    const disposition = response.headers.get('content-disposition');
    expect(disposition).toContain('attachment');
    expect(disposition).toContain('filename="Relatorio de erros (marco).csv"');
    expect(disposition).toContain(`filename*=UTF-8''Relat%C3%B3rio%20de%20erros%20%28mar%C3%A7o%29.csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    if (driver === 'local') {
      expect(url.startsWith(`${testApp.baseUrl}/api/storage/downloads/`)).toBe(true);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers 404 for a genuine link whose object was deleted', async () => {
    const key = newKey();
    await putText(key, 'x\n');
    const url = await storage.signedDownloadUrl(key, { fileName: 'x.csv' });
    await storage.delete(key);

    const response = await fetch(url);
    expect(response.status).toBe(404);
    if (driver === 'local') {
      expect(await response.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: expect.any(String),
      });
    }
  });

  it('refuses a link with a tampered signature or target with 403', async () => {
    const key = newKey();
    const otherKey = newKey();
    await putText(key, 'mine\n');
    await putText(otherKey, 'someone else\n');
    const url = await storage.signedDownloadUrl(key, { fileName: 'x.csv' });
    expect((await fetch(url)).status).toBe(200);

    for (const forged of [tamperSignature(url), tamperTarget(url, otherKey)]) {
      const response = await fetch(forged);
      expect(response.status).toBe(403);
      if (driver === 'local') await expectForbiddenBody(response, /not valid/);
      else expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
  });

  it('stops serving a link once it has expired', async () => {
    const key = newKey();
    await putText(key, 'x\n');
    const url = await storage.signedDownloadUrl(key, { fileName: 'x.csv', ttlSeconds: 2 });
    expect((await fetch(url)).status).toBe(200);

    // Past the expiry whichever way the backend rounds the signing time to the second.
    await sleep(3500);
    const response = await fetch(url);
    expect(response.status).toBe(403);
    if (driver === 'local') await expectForbiddenBody(response, /expired/);
    else expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
  });
});

async function expectForbiddenBody(response: Response, message: RegExp): Promise<void> {
  const body = await response.json();
  expect(body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(message) });
}

function splitLocalLink(url: string): { prefix: string; payload: string; signature: string } {
  const slash = url.lastIndexOf('/') + 1;
  const [payload, signature] = url.slice(slash).split('.');
  return { prefix: url.slice(0, slash), payload, signature };
}

function flipChar(value: string, index: number): string {
  const replacement = value[index] === 'a' ? 'b' : 'a';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

/**
 * CSV-looking rows produced on demand, never held whole in memory, so the store has to take the
 * upload as a stream of unknown length. The digest is taken as the bytes are produced.
 */
function generatedCsv(totalBytes: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  async function* rows(): AsyncGenerator<Buffer> {
    let remaining = totalBytes;
    for (let line = 0; remaining > 0; line++) {
      const rows: string[] = [];
      for (let i = 0; i < 1000; i++)
        rows.push(`${line * 1000 + i};client-${(line * 7919 + i) % 997};12,50\n`);
      let chunk = Buffer.from(rows.join(''));
      if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
      remaining -= chunk.length;
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(rows()), sha256: () => hash.digest('hex') };
}

async function digest(stream: Readable): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
