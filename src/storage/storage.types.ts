import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType?: string;
}

export interface SignedUrlOptions {
  /** The name the browser saves the file as (Content-Disposition: attachment; filename=...). */
  fileName: string;
  /** Defaults to SIGNED_URL_TTL_SECONDS. */
  ttlSeconds?: number;
  contentType?: string;
}

/** What a storage backend does. StorageService picks one by STORAGE_DRIVER; nobody else builds a client. */
export interface StorageDriver {
  readonly name: 'local' | 's3';
  /** Creates the bucket / folder when missing. */
  init(): Promise<void>;
  /** Streams the body to the key; never buffers the whole object. Resolves with the bytes written. */
  put(key: string, body: Readable, options?: PutOptions): Promise<{ size: number }>;
  /** A stream of the object; rejects with StorageObjectNotFoundError when the key does not exist. */
  get(key: string): Promise<Readable>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  signedDownloadUrl(key: string, options: SignedUrlOptions): Promise<string>;
  /** Resolves when the backend answers; used by /health. */
  ping(): Promise<void>;
  /**
   * Removes what a put() cut short by a crash left behind (partial files, unfinished multipart
   * uploads) begun before `olderThan`; resolves with how many it removed.
   */
  sweepLeftovers(olderThan: Date): Promise<number>;
}

export class StorageObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object under "${key}"`);
    this.name = 'StorageObjectNotFoundError';
  }
}
