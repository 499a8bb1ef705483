import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '../common/domain-errors';

/**
 * Signed download links of the local driver, the counterpart of an S3 presigned URL:
 * `base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, encoded payload))`.
 * The HMAC covers the encoded payload, so the exact bytes that were signed are the ones verified
 * (no JSON canonicalisation question).
 */
export interface DownloadGrant {
  key: string;
  /** The name the browser saves the file under. */
  fileName: string;
  contentType?: string;
  /** Epoch seconds after which the link is refused. */
  expiresAt: number;
}

/** The short field names keep the URL short. */
interface TokenPayload {
  k: string;
  f: string;
  t?: string;
  e: number;
}

export function signDownloadToken(grant: DownloadGrant, secret: string): string {
  const payload: TokenPayload = { k: grant.key, f: grant.fileName, t: grant.contentType, e: grant.expiresAt };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${sign(encoded, secret)}`;
}

/**
 * Returns the grant of a genuine, unexpired token and throws ForbiddenError otherwise.
 * `nowMs` is injectable for tests.
 */
export function verifyDownloadToken(token: string, secret: string, nowMs = Date.now()): DownloadGrant {
  const parts = token.split('.');
  if (parts.length !== 2) throw invalid();
  const [encoded, signature] = parts;
  // Compared as the base64url text rather than decoded bytes: Buffer.from(…, 'base64url') ignores
  // stray characters and padding bits, so a different string could decode to the same bytes.
  const expected = Buffer.from(sign(encoded, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();

  const grant = parsePayload(encoded);
  if (nowMs / 1000 > grant.expiresAt) throw new ForbiddenError('This download link has expired');
  return grant;
}

function sign(encodedPayload: string, secret: string): string {
  return createHmac('sha256', secret).update(encodedPayload).digest('base64url');
}

function parsePayload(encoded: string): DownloadGrant {
  let payload: Partial<TokenPayload>;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  // Only reachable with a correctly signed token, i.e. one this service made; checked anyway so a
  // change of format or secret reuse never turns into a crash.
  const { k, f, t, e } = payload ?? {};
  if (typeof k !== 'string' || typeof f !== 'string' || typeof e !== 'number') throw invalid();
  if (t !== undefined && typeof t !== 'string') throw invalid();
  return { key: k, fileName: f, contentType: t, expiresAt: e };
}

function invalid(): ForbiddenError {
  return new ForbiddenError('This download link is not valid');
}
