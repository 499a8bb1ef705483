import { ApiKeyMatcher, presentedSecret } from './api-key-matcher';

describe('ApiKeyMatcher', () => {
  const matcher = new ApiKeyMatcher([
    { name: 'alice', secret: 'alice-secret-0123456789' },
    { name: 'bob', secret: 'bob-secret-0123456789' },
  ]);

  it('names the key a secret belongs to', () => {
    expect(matcher.match('alice-secret-0123456789')).toBe('alice');
    expect(matcher.match('bob-secret-0123456789')).toBe('bob');
  });

  it('matches nothing for a wrong, partial, longer or empty secret', () => {
    for (const wrong of [
      'alice-secret-012345678',
      'alice-secret-01234567890',
      '',
      'ALICE-SECRET-0123456789',
    ]) {
      expect(matcher.match(wrong)).toBeNull();
    }
  });
});

describe('presentedSecret', () => {
  it('reads Authorization: Bearer (any case), else X-API-Key', () => {
    expect(presentedSecret({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedSecret({ authorization: 'bearer  abc ' })).toBe('abc');
    expect(presentedSecret({ 'x-api-key': ' xyz ' })).toBe('xyz');
    expect(presentedSecret({ authorization: 'Bearer abc', 'x-api-key': 'xyz' })).toBe('abc');
  });

  it('ignores other schemes and empty values', () => {
    expect(presentedSecret({ authorization: 'Basic YTpi' })).toBeNull();
    expect(presentedSecret({ authorization: 'Bearer' })).toBeNull();
    expect(presentedSecret({ authorization: 'Basic YTpi', 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedSecret({ 'x-api-key': '  ' })).toBeNull();
    expect(presentedSecret({})).toBeNull();
  });
});
