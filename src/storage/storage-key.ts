/**
 * Keys are chosen by callers (e.g. `uploads/<uuid>.csv`) but end up as file paths for the local
 * driver, so anything that could escape the storage folder or mean different things on different
 * backends is refused before it reaches a driver.
 */
export class InvalidStorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key "${key}": ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** S3's limit; the local driver is kept to the same so both drivers accept the same keys. */
const MAX_KEY_BYTES = 1024;

export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStorageKeyError(String(key), 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidStorageKeyError(key, 'longer than 1024 bytes');
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, 'starts with "/"');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, 'contains a backslash');
  if (/[\u0000-\u001f\u007f]/.test(key))
    throw new InvalidStorageKeyError(key, 'contains a control character');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidStorageKeyError(key, 'has an empty, "." or ".." path segment');
    }
  }
}
