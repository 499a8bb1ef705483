// Builds the import page (README: Import page): compiles web/ts/*.ts for the browser (web/tsconfig.json)
// into public/js and copies the HTML and CSS beside it. public/ is what API processes serve at `/`; it
// lives outside dist/ so that `nest build` (which empties dist/) and `nest start --watch` keep it.
//
//   npx ts-node scripts/build-web.ts        (npm run build and npm start run it)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const WEB_SOURCE_FILES = ['index.html', 'import-page.css', 'job-view.css'];

export function buildWeb(root = join(__dirname, '..')): void {
  const out = join(root, 'public');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(root, 'web', 'tsconfig.json')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  for (const file of WEB_SOURCE_FILES) cpSync(join(root, 'web', file), join(out, file));
}

if (require.main === module) buildWeb();
