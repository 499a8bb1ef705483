import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { AppConfig } from '../config/app-config';
import { NotFoundError } from '../common/domain-errors';
import { LocalDownload, LocalStorageDriver } from './drivers/local-storage.driver';
import { S3StorageDriver } from './drivers/s3-storage.driver';
import { assertValidKey } from './storage-key';
import { PutOptions, SignedUrlOptions, StorageDriver, StorageObjectNotFoundError } from './storage.types';

/** How often every process looks for crash leftovers, besides at start-up. */
const SWEEP_LEFTOVERS_EVERY_MS = 60 * 60 * 1000;

/** The app stores CSV only, and the local driver keeps no metadata to remember a type by. */
export const DEFAULT_DOWNLOAD_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The one way into object storage; STORAGE_DRIVER picks the backend. */
@Injectable()
export class StorageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StorageService.name);
  private readonly driver: StorageDriver;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly config: AppConfig) {
    this.driver =
      config.storage.driver === 's3' ? new S3StorageDriver(config) : new LocalStorageDriver(config);
  }

  get driverName(): 'local' | 's3' {
    return this.driver.name;
  }

  /** Fails start-up when storage is unusable: every import needs it, better to know at once. */
  async onModuleInit(): Promise<void> {
    try {
      await this.driver.init();
    } catch (error) {
      this.logger.error(`Storage (${this.driver.name}) is not usable: ${describe(error)}`);
      throw error;
    }
    // Awaited at start-up, so a restart after a crash leaves no leftovers by the time it serves.
    await this.sweepLeftovers();
    this.sweepTimer = setInterval(() => void this.sweepLeftovers(), SWEEP_LEFTOVERS_EVERY_MS);
    this.sweepTimer.unref();
  }

  /**
   * Removes partial files and unfinished multipart uploads older than STORAGE_LEFTOVER_AGE_SECONDS:
   * what a process killed in the middle of a put() leaves (a live put() cleans up after itself).
   * Never throws: a failed sweep is retried at the next one.
   */
  async sweepLeftovers(): Promise<number> {
    const olderThan = new Date(Date.now() - this.config.storage.leftoverAgeSeconds * 1000);
    try {
      const removed = await this.driver.sweepLeftovers(olderThan);
      if (removed > 0) this.logger.warn(`Removed ${removed} leftover(s) of interrupted writes`);
      return removed;
    } catch (error) {
      this.logger.warn(`Could not sweep leftovers of interrupted writes: ${describe(error)}`);
      return 0;
    }
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.driver instanceof S3StorageDriver) this.driver.destroy();
  }

  // async so that an invalid key is a rejected promise like every other failure, not a throw.
  async put(key: string, body: Readable, options?: PutOptions): Promise<{ size: number }> {
    assertValidKey(key);
    return this.driver.put(key, body, options);
  }

  /** Rejects with StorageObjectNotFoundError when nothing is stored under the key. */
  async get(key: string): Promise<Readable> {
    assertValidKey(key);
    return this.driver.get(key);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    return this.driver.delete(key);
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    return this.driver.exists(key);
  }

  /** A URL anyone holding it can GET until it expires; no API key involved. */
  async signedDownloadUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertValidKey(key);
    return this.driver.signedDownloadUrl(key, {
      ...options,
      contentType: options.contentType ?? DEFAULT_DOWNLOAD_CONTENT_TYPE,
    });
  }

  async ping(): Promise<void> {
    return this.driver.ping();
  }

  /**
   * Serves a link made by the local driver. ForbiddenError for a forged or expired token,
   * NotFoundError when the file is gone or the S3 driver is in use (its links go to S3).
   */
  async openLocalDownload(token: string): Promise<LocalDownload> {
    if (!(this.driver instanceof LocalStorageDriver)) throw new NotFoundError('Downloads are served by S3');
    try {
      return await this.driver.openDownload(token);
    } catch (error) {
      if (error instanceof StorageObjectNotFoundError) {
        throw new NotFoundError('The file of this download link no longer exists');
      }
      throw error;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
