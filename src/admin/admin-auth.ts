import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiKeyMatcher, presentedSecret } from '../auth/api-key-matcher';
import { UNAUTHORIZED_MESSAGE } from '../auth/api-key.guard';
import type { ApiKey } from '../config/api-keys';

export const OPERATORS_ONLY_MESSAGE =
  "This API key may not open the queue dashboard: it shows every key's imports, so only operator keys (ADMIN_API_KEYS) may.";

/**
 * The API-key check for what Express serves outside Nest's routing (the queue dashboard), where the
 * global ApiKeyGuard never runs. Same keys and same rules as the API (`Authorization: Bearer` or
 * `X-API-Key`), plus HTTP Basic with the secret as the password: a browser cannot add a header to
 * the dashboard's own requests, but it asks for Basic credentials once and then sends them itself.
 * The dashboard shows every key's jobs, so only the keys named in `operators` (ADMIN_API_KEYS) pass;
 * any other valid key gets 403, no or a wrong key 401. With no keys configured everything passes,
 * as for the API.
 */
export function apiKeyMiddleware(keys: ApiKey[], realm: string, operators: string[]): RequestHandler {
  if (keys.length === 0) return (_req, _res, next) => next();
  const matcher = new ApiKeyMatcher(keys);
  const allowed = new Set(operators);
  return (req: Request, res: Response, next: NextFunction) => {
    const secret = presentedSecret(req.headers) ?? basicPassword(req.headers.authorization);
    const name = secret === null ? null : matcher.match(secret);
    if (name !== null && allowed.has(name)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (name !== null) {
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: OPERATORS_ONLY_MESSAGE });
      return;
    }
    res.setHeader('WWW-Authenticate', [`Basic realm="${realm}", charset="UTF-8"`, 'Bearer']);
    res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: UNAUTHORIZED_MESSAGE });
  };
}

/** The password of `Authorization: Basic base64(user:password)`; the user name is not checked. */
export function basicPassword(authorization: string | undefined): string | null {
  const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password === '' ? null : password;
}
