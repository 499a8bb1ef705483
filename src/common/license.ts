import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the OpenAPI document's `info.license.url` points: the LICENSE file, as plain text. */
export const LICENSE_PATH = '/docs/license';

export function serveLicense(app: INestApplication): void {
  // The repository root, from src/common or dist/common alike.
  const text = readFileSync(join(__dirname, '..', '..', 'LICENSE'), 'utf8');
  app
    .getHttpAdapter()
    .get(LICENSE_PATH, (_req: unknown, res: { type(t: string): { send(b: string): void } }) =>
      res.type('text/plain; charset=utf-8').send(text),
    );
}
