import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from '../../config/app-config';
import { signDownloadToken, verifyDownloadToken } from '../download-token';
import { PutOptions, SignedUrlOptions, StorageDriver, StorageObjectNotFoundError } from '../storage.types';

/** The hidden name put() writes under until the file is complete (see put()). */
const PARTIAL_NAME = /^\..+\.[0-9a-f]{12}\.partial$/;

/** What the download controller needs to answer a signed link. */
export interface LocalDownload {
  stream: Readable;
  size: number;
  fileName: string;
  contentType?: string;
}

/**
 * Objects as files under STORAGE_LOCAL_DIR, for development and single-host deployments. Signed
 * links point at this service's own /api/storage/downloads/:token (see download-token.ts).
 */
export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local' as const;
  private readonly root: string;

  constructor(private readonly config: AppConfig) {
    this.root = resolve(config.storage.localDir);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async put(key: string, body: Readable, _options?: PutOptions): Promise<{ size: number }> {
    const path = this.pathOf(key);
    // Written beside the target (same filesystem, so the rename is atomic) under a hidden name, so a
    // reader never sees a half-written file under the key, even if the process dies mid-write
    // (sweepLeftovers removes what a crash leaves).
    const partial = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    try {
      await mkdir(dirname(path), { recursive: true });
      // pipeline: an error or abort of the body closes the file, and its error lands here.
      const out = createWriteStream(partial, { flags: 'wx', flush: true });
      await pipeline(body, out);
      await rename(partial, path);
      return { size: out.bytesWritten };
    } catch (error) {
      body.destroy(); // also when the file could not even be opened: stop the producer
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    return (await this.openFile(key)).stream;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async signedDownloadUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const ttlSeconds = options.ttlSeconds ?? this.config.signedUrlTtlSeconds;
    const token = signDownloadToken(
      {
        key,
        fileName: options.fileName,
        contentType: options.contentType,
        expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
      },
      this.config.downloadSigningSecret,
    );
    return `${this.config.publicBaseUrl}/api/storage/downloads/${token}`;
  }

  /**
   * Verifies a token (ForbiddenError when forged or expired) and opens its file
   * (StorageObjectNotFoundError when it is gone).
   */
  async openDownload(token: string): Promise<LocalDownload> {
    const grant = verifyDownloadToken(token, this.config.downloadSigningSecret);
    const file = await this.openFile(grant.key);
    return { ...file, fileName: grant.fileName, contentType: grant.contentType };
  }

  async ping(): Promise<void> {
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  async sweepLeftovers(olderThan: Date): Promise<number> {
    let removed = 0;
    for (const entry of await readdir(this.root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !PARTIAL_NAME.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      const info = await stat(path).catch(() => null); // gone meanwhile: renamed or removed by its writer
      if (!info || info.mtime >= olderThan) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  /** Opening first and streaming from the handle leaves no gap between "exists" and "read". */
  private async openFile(key: string): Promise<{ stream: Readable; size: number }> {
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new StorageObjectNotFoundError(key);
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new StorageObjectNotFoundError(key);
      return { stream: handle.createReadStream(), size: info.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Keys are validated by StorageService; this is the last line against escaping the root. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep))
      throw new Error(`Storage key "${key}" resolves outside the storage folder`);
    return path;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
