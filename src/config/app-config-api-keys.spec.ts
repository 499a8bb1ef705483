// API_KEYS, API_KEYS_FILE, ADMIN_API_KEYS, ALLOW_ANONYMOUS and the per-key limits, as loadConfig
// reads and checks them (the key file's parsing is in api-keys.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problemsOf } from '../../test/support/config-problems';
import { loadConfig } from './app-config';

describe('loadConfig: API keys', () => {
  const A = 'a'.repeat(16);
  const B = 'b'.repeat(20);

  it('is open (no keys) by default, with the documented limits', () => {
    expect(loadConfig({}).auth).toEqual({
      apiKeys: [],
      adminKeyNames: [],
      allowAnonymous: false,
      uploadRateLimit: 30,
      uploadRateWindowSeconds: 60,
      maxActiveImportsPerKey: 10,
    });
  });

  it('reads ADMIN_API_KEYS as names of configured keys, and refuses names of no key', () => {
    const keys = `alice:${A},bob:${B}`;
    expect(loadConfig({ API_KEYS: keys, ADMIN_API_KEYS: ' bob , bob,' }).auth.adminKeyNames).toEqual(['bob']);
    expect(loadConfig({ API_KEYS: keys }).auth.adminKeyNames).toEqual([]);
    expect(() => loadConfig({ API_KEYS: keys, ADMIN_API_KEYS: 'bob,carol' })).toThrow(
      'ADMIN_API_KEYS names keys that are not configured: carol',
    );
    expect(() => loadConfig({ ADMIN_API_KEYS: 'bob' })).toThrow(
      'ADMIN_API_KEYS is set but no API_KEYS (or API_KEYS_FILE) are configured',
    );
  });

  it('reads comma-separated name:secret pairs from API_KEYS', () => {
    expect(loadConfig({ API_KEYS: ` alice:${A} , bob:${B},` }).auth.apiKeys).toEqual([
      { name: 'alice', secret: A },
      { name: 'bob', secret: B },
    ]);
  });

  it('reads API_KEYS_FILE, skipping comments and blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# billing team\n\nalice:${A}\r\n  # old\nbob:${B}\n`);
    try {
      expect(loadConfig({ API_KEYS_FILE: file }).auth.apiKeys.map((k) => k.name)).toEqual(['alice', 'bob']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable and the entry of a bad key, never its secret', () => {
    const problems = problemsOf({ API_KEYS: `alice:${A},bob:short,carol,alice:${B},dave:${A}` });
    expect(problems).toEqual([
      'API_KEYS entry 2 (key "bob"): the secret must be at least 16 printable characters without spaces',
      'API_KEYS entry 3: expected name:secret',
      'API_KEYS: the key name "alice" is used more than once',
      'API_KEYS: key "dave" has the same secret as another key',
    ]);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('rejects an unreadable or empty API_KEYS_FILE, and both variables at once', () => {
    expect(problemsOf({ API_KEYS_FILE: '/nonexistent/keys' })).toEqual([
      'API_KEYS_FILE cannot be read (ENOENT: /nonexistent/keys)',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'si-keys-'));
    writeFileSync(join(dir, 'keys'), '# nothing yet\n');
    try {
      expect(problemsOf({ API_KEYS_FILE: join(dir, 'keys') })).toEqual([
        'API_KEYS_FILE is set but contains no name:secret entry',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problemsOf({ API_KEYS: `a:${A}`, API_KEYS_FILE: '/x' })).toEqual([
      'API_KEYS and API_KEYS_FILE are both set; use one of them',
    ]);
  });

  it('refuses production without keys unless ALLOW_ANONYMOUS=true', () => {
    const production = { NODE_ENV: 'production', DOWNLOAD_SIGNING_SECRET: 's'.repeat(32) };
    expect(problemsOf(production)).toEqual([
      'API_KEYS (or API_KEYS_FILE) is required when NODE_ENV=production; set ALLOW_ANONYMOUS=true to serve an open API on purpose',
    ]);
    expect(loadConfig({ ...production, ALLOW_ANONYMOUS: 'true' }).auth).toMatchObject({
      apiKeys: [],
      allowAnonymous: true,
    });
    expect(loadConfig({ ...production, API_KEYS: `ops:${A}` }).auth.apiKeys).toHaveLength(1);
    // A worker serves no HTTP: it needs no keys.
    expect(loadConfig({ ...production, APP_ROLE: 'worker' }).role).toBe('worker');
  });

  it('validates the limits', () => {
    expect(problemsOf({ UPLOAD_RATE_LIMIT: '0', MAX_ACTIVE_IMPORTS_PER_KEY: 'x' })).toEqual([
      'UPLOAD_RATE_LIMIT must be a whole number from 1 to 1000000 (got "0")',
      'MAX_ACTIVE_IMPORTS_PER_KEY must be a whole number from 1 to 100000 (got "x")',
    ]);
  });
});
