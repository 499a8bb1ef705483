import { problemsOf } from '../../test/support/config-problems';
import { loadConfig } from './app-config';

describe('IMPORT_MAX_FIELD_CHARS (counts characters, not bytes)', () => {
  it('defaults to 65,536 characters', () => {
    expect(loadConfig({}).import.maxFieldChars).toBe(65_536);
  });

  it.each([
    [{ IMPORT_MAX_FIELD_CHARS: '1000' }, 1000],
    [{ IMPORT_MAX_FIELD_BYTES: '2000' }, 2000], // the old name, still accepted
    [{ IMPORT_MAX_FIELD_CHARS: '3000', IMPORT_MAX_FIELD_BYTES: '3000' }, 3000],
    [{ IMPORT_MAX_FIELD_CHARS: '4000', IMPORT_MAX_FIELD_BYTES: ' ' }, 4000],
  ])('reads %j as %d characters', (env, chars) => {
    expect(loadConfig(env).import.maxFieldChars).toBe(chars);
  });

  it('refuses the two names set to different values, and bad values under either name', () => {
    expect(problemsOf({ IMPORT_MAX_FIELD_CHARS: '1000', IMPORT_MAX_FIELD_BYTES: '2000' })).toEqual([
      'IMPORT_MAX_FIELD_CHARS and its old name IMPORT_MAX_FIELD_BYTES are both set, to different values: keep IMPORT_MAX_FIELD_CHARS',
    ]);
    expect(problemsOf({ IMPORT_MAX_FIELD_BYTES: 'x' })).toEqual([
      'IMPORT_MAX_FIELD_BYTES must be a whole number from 16 to 16777216 (got "x")',
    ]);
    expect(problemsOf({ IMPORT_MAX_FIELD_CHARS: '1' })).toEqual([
      'IMPORT_MAX_FIELD_CHARS must be a whole number from 16 to 16777216 (got "1")',
    ]);
  });
});
