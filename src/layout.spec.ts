// Holds the layout described in the README's Development section, so that the architecture the tree
// shows does not erode one import at a time.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = __dirname;
const rel = (path: string) => relative(SRC, path).split(sep).join('/');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = filesUnder(SRC);
const sources = files.filter((f) => !f.endsWith('.spec.ts'));

/** What a file imports: a package name as written, a relative import as its path under src/. */
function importsOf(file: string): { target: string; relative: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*'([^']+)'/g)].map(([, spec]) =>
    spec.startsWith('.')
      ? { target: rel(resolve(dirname(file), spec)), relative: true }
      : { target: spec, relative: false },
  );
}

/** "file -> target" for every import of a source file under `folder` that `bad` rejects. */
function offenders(folder: string, bad: (i: { target: string; relative: boolean }, file: string) => boolean) {
  return sources
    .filter((f) => rel(f).startsWith(`${folder}/`))
    .flatMap((f) =>
      importsOf(f)
        .filter((i) => bad(i, rel(f)))
        .map((i) => `${rel(f)} -> ${i.target}`),
    );
}

const under = (target: string, folder: string) => target === folder || target.startsWith(`${folder}/`);

const MAX_LINES = 300;

describe('layout', () => {
  it('src/csv is framework-free: nothing from @nestjs, nothing from other src/ folders', () => {
    const bad = offenders(
      'csv',
      (i) => i.target.startsWith('@nestjs') || (i.relative && !under(i.target, 'csv')),
    );
    expect(bad).toEqual([]);
  });

  it('only ImportWorkerModule and the files beside it import the worker-only code', () => {
    const bad = offenders(
      'import',
      (i, file) => under(i.target, 'import/worker') && !file.startsWith('import/worker/'),
    );
    // AppModule is the one place outside that imports it (for APP_ROLE worker and all).
    const outside = sources
      .filter((f) => !rel(f).startsWith('import/'))
      .flatMap((f) => importsOf(f).map((i) => ({ file: rel(f), target: i.target })))
      .filter((i) => under(i.target, 'import/worker'))
      .map((i) => `${i.file} -> ${i.target}`);
    expect(bad).toEqual([]);
    expect(outside.sort()).toEqual([
      'app.module.ts -> import/worker/import-worker.module',
      'worker-health.ts -> import/worker/worker-heartbeat',
    ]);
  });

  it('Import reaches Clients only through ClientsModule, its exported provider and clients/index.ts', () => {
    const allowed = [
      'clients',
      'clients/clients.module',
      'clients/assignment-bulk.service',
      'clients/assignment-changes.service',
      'clients/assignment-revert.service',
      'clients/dto/assignment-change.dto',
    ];
    const bad = offenders('import', (i) => under(i.target, 'clients') && !allowed.includes(i.target));
    expect(bad).toEqual([]);
  });

  it('Clients, Metrics, Common and the CSV library never import Import', () => {
    const intoImport = (i: { target: string }) => under(i.target, 'import');
    const bad = ['clients', 'metrics', 'common', 'csv'].flatMap((folder) => offenders(folder, intoImport));
    expect(bad).toEqual([]);
  });

  it('Clients names no Import table in SQL', () => {
    const naming = sources
      .filter((f) => rel(f).startsWith('clients/') && /service_import/i.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(naming).toEqual([]);
  });

  it(`no file over ${MAX_LINES} lines`, () => {
    const lines = (f: string) => readFileSync(f, 'utf8').split('\n').length - 1;
    const over = files
      .map((f) => ({ file: rel(f), lines: lines(f) }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(over).toEqual([]);
  });
});
