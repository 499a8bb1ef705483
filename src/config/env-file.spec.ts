import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvFile } from './env-file';

describe('loadEnvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-env-file-'));
  const names = ['SI_ENV_A', 'SI_ENV_B', 'SI_ENV_C', 'SI_ENV_D', 'SI_ENV_E'];

  afterEach(() => names.forEach((name) => delete process.env[name]));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads plain, quoted and commented values, and an already-set variable wins over the file', () => {
    const file = join(dir, 'a.env');
    writeFileSync(
      file,
      [
        '# a comment',
        'SI_ENV_A=from-file',
        'SI_ENV_B="quoted # not a comment"',
        "SI_ENV_C='single'",
        'SI_ENV_D=from-file # trailing comment',
        'SI_ENV_E=from-file',
        '',
      ].join('\r\n'),
    );
    process.env.SI_ENV_E = 'already set';
    loadEnvFile(file);
    expect(names.map((name) => process.env[name])).toEqual([
      'from-file',
      'quoted # not a comment',
      'single',
      'from-file',
      'already set',
    ]);
  });

  it('an empty value set in the environment also wins', () => {
    const file = join(dir, 'b.env');
    writeFileSync(file, 'SI_ENV_A=from-file\n');
    process.env.SI_ENV_A = '';
    loadEnvFile(file);
    expect(process.env.SI_ENV_A).toBe('');
  });

  it('is no error when the file is missing, and changes nothing', () => {
    const before = { ...process.env };
    expect(() => loadEnvFile(join(dir, 'missing.env'))).not.toThrow();
    expect(process.env).toEqual(before);
  });

  it('reports a path that cannot be read for another reason', () => {
    expect(() => loadEnvFile(dir)).toThrow();
  });
});
