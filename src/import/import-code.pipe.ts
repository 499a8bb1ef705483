import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors';

/** An import code as ImportService makes them: 128 random bits in URL-safe base64, unpadded. */
export const IMPORT_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** How much of a rejected code the 404 message repeats. */
const SHOWN = 64;

/**
 * The `:code` of every import route. A code that cannot be one of ours (a NUL byte, a control
 * character, the wrong length or alphabet) gets the same 404 as an unknown code before any query is
 * sent: PostgreSQL refuses some of these characters, and an answer must not depend on them.
 */
@Injectable()
export class ParseImportCodePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && IMPORT_CODE_PATTERN.test(value)) return value;
    throw new NotFoundError(`No import with code ${shownCode(value)}.`);
  }
}

/** The code in quotes as the message shows it; control characters escaped, long ones shortened. */
export function shownCode(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
  return JSON.stringify(short);
}
