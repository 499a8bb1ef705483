import { InvalidInputError } from '../../common/domain-errors';
import { importRequestHash, parseIdempotencyKey } from './idempotency';

describe('parseIdempotencyKey', () => {
  it('is null without the header and keeps a valid key as sent', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('order 42/2024-01-01 ~!')).toBe('order 42/2024-01-01 ~!');
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
  });

  it('rejects an empty, over-long or non-printable key with a 400', () => {
    for (const bad of ['', 'k'.repeat(256), 'tab\there', 'caf\u00e9', 'nul\u0000']) {
      expect(() => parseIdempotencyKey(bad)).toThrow(InvalidInputError);
    }
  });
});

describe('importRequestHash', () => {
  it('differs by file content, by dryRun and by mode', () => {
    const a = importRequestHash('aa', false, 'create');
    expect(importRequestHash('aa', false, 'create')).toBe(a);
    expect(importRequestHash('bb', false, 'create')).not.toBe(a);
    expect(importRequestHash('aa', true, 'create')).not.toBe(a);
    const modes = ['create', 'upsert', 'update'].map((mode) => importRequestHash('aa', false, mode));
    expect(new Set(modes).size).toBe(3);
  });
});
