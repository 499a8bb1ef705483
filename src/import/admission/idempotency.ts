import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../common/domain-errors';

/**
 * The Idempotency-Key of POST /api/service-imports. A key is scoped to the principal, stored on the
 * job row (unique per owner) and so kept as long as the row exists, at least 24 h. Reusing it with
 * the same request returns the original job; reusing it after 24 h may still do so, on purpose.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** null when the header is absent; a 400 when it is empty, too long or not printable ASCII. */
export function parseIdempotencyKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_LENGTH || !PRINTABLE_ASCII.test(value)) {
    throw new InvalidInputError(
      `The ${IDEMPOTENCY_KEY_HEADER} header must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.`,
    );
  }
  return value;
}

/** What makes two submissions "the same request": the file's content and the dryRun flag. */
export function importRequestHash(
  fileSha256: string,
  dryRun: boolean,
  mode: string,
  sheet: string | null = null,
): string {
  // create is left out, so a key used before modes existed still matches the same request; the
  // sheet is only there for a workbook (another sheet of the same file is another request).
  const request: Record<string, unknown> =
    mode === 'create' ? { fileSha256, dryRun } : { fileSha256, dryRun, mode };
  if (sheet !== null) request.sheet = sheet;
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}
