import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The import page (README: Import page): static HTML, CSS and ES modules built from web/ into public/ by
 * scripts/build-web.ts, served at `/` (the page) and under `/page/` (its files) by API processes only
 * (workers have no HTTP server). The page calls the public API like any REST client; nothing here is an
 * endpoint for it.
 */
export const PAGE_ROOT = join(__dirname, '..', '..', 'public'); // the repository root, from src/ or dist/
export const PAGE_ASSETS_PREFIX = '/page/';

/**
 * The page's Content-Security-Policy: stricter than Swagger UI's (helmet's default), with no inline
 * script or style at all, nothing from another origin, and no framing.
 */
export const PAGE_CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export function isPagePath(path: string): boolean {
  return path === '/' || path.startsWith(PAGE_ASSETS_PREFIX);
}

export function serveImportPage(app: INestApplication): void {
  const index = join(PAGE_ROOT, 'index.html');
  (app as NestExpressApplication).useStaticAssets(PAGE_ROOT, {
    prefix: PAGE_ASSETS_PREFIX,
    index: false,
    // Small files, revalidated by ETag, so a new version is never hidden behind a cached one.
    setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
  });
  app.getHttpAdapter().get('/', (_req: Request, res: Response) => {
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The import page is not built: run `npm run build` (or `npx ts-node scripts/build-web.ts`).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
