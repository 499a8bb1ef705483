import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config/api-keys';

/**
 * Finds the key a presented secret belongs to in constant time: both sides are hashed to the same
 * length and every key is compared, with no early exit, so timing reveals neither which key nor
 * how much of one matched.
 */
export class ApiKeyMatcher {
  private readonly digests: { name: string; digest: Buffer }[];

  constructor(keys: ApiKey[]) {
    this.digests = keys.map((key) => ({ name: key.name, digest: sha256(key.secret) }));
  }

  /** The name of the key whose secret this is, or null. */
  match(presented: string): string | null {
    const digest = sha256(presented);
    let found: string | null = null;
    for (const key of this.digests) {
      const equal = timingSafeEqual(digest, key.digest);
      found = equal ? key.name : found;
    }
    return found;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The secret of `Authorization: Bearer <secret>`, else of `X-API-Key: <secret>`. */
export function presentedSecret(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (bearer) return bearer[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : null;
}
