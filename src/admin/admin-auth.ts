import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiKeyMatcher, presentedSecret } from '../auth/api-key-matcher';
import { UNAUTHORIZED_MESSAGE } from '../auth/api-key.guard';
import type { ApiKey } from '../config/api-keys';

/**
 * The API-key check for what Express serves outside Nest's routing (the queue dashboard), where the
 * global ApiKeyGuard never runs. Same keys and same rules as the API (`Authorization: Bearer` or
 * `X-API-Key`), plus HTTP Basic with the secret as the password: a browser cannot add a header to
 * the dashboard's own requests, but it asks for Basic credentials once and then sends them itself.
 * With no keys configured everything passes, as for the API.
 */
export function apiKeyMiddleware(keys: ApiKey[], realm: string): RequestHandler {
  if (keys.length === 0) return (_req, _res, next) => next();
  const matcher = new ApiKeyMatcher(keys);
  return (req: Request, res: Response, next: NextFunction) => {
    const secret = presentedSecret(req.headers) ?? basicPassword(req.headers.authorization);
    if (secret !== null && matcher.match(secret) !== null) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', [`Basic realm="${realm}", charset="UTF-8"`, 'Bearer']);
    res.setHeader('Cache-Control', 'no-store');
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
