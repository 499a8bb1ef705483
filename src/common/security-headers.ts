import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { isPagePath, PAGE_CSP_DIRECTIVES } from '../page/import-page';

/**
 * Security headers on every response (helmet: nosniff, frame and referrer policies, HSTS, ...).
 *
 * The JSON API gets the strictest Content-Security-Policy (it never serves a page). Swagger UI at
 * /docs gets helmet's default policy, which its page already fits: its scripts are same-origin files
 * and its inline <style> blocks are allowed by helmet's `style-src 'unsafe-inline'`. Only
 * `upgrade-insecure-requests` is dropped there, as it would make a browser fetch the UI's own
 * assets over https from a service reached over plain http. The import page at / gets its own policy,
 * stricter than Swagger UI's: same-origin scripts and styles only, no inline ones (src/page).
 */
export function securityHeaders(docsPath = '/docs'): RequestHandler {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] },
    },
  });
  const docs = helmet({
    contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  });
  const page = helmet({ contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP_DIRECTIVES } });
  return (req: Request, res: Response, next: NextFunction) => {
    const isDocsPage = req.path === docsPath || req.path.startsWith(`${docsPath}/`);
    (isDocsPage ? docs : isPagePath(req.path) ? page : api)(req, res, next);
  };
}

/**
 * API answers (job states, lists, signed links) must never be reused from a cache. Handlers that
 * need another policy set their own header, which replaces this one.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
