import { assertValidKey, InvalidStorageKeyError } from './storage-key';

describe('assertValidKey', () => {
  it.each(['uploads/0b7c.csv', 'exports/2025/01/errors.csv', 'a..b.csv', 'uploads/Relatório.csv'])(
    'accepts %s',
    (key) => expect(() => assertValidKey(key)).not.toThrow(),
  );

  it.each([
    ['', 'empty'],
    ['../etc/passwd', '".."'],
    ['uploads/../../x.csv', '".."'],
    ['uploads/./x.csv', '"."'],
    ['/uploads/x.csv', 'starts with "/"'],
    ['uploads\\x.csv', 'backslash'],
    ['uploads//x.csv', 'empty'],
    ['uploads/', 'empty'],
    ['uploads/x\n.csv', 'control character'],
    ['k'.repeat(1025), '1024 bytes'],
  ])('refuses %j (%s)', (key, reason) => {
    expect(() => assertValidKey(key)).toThrow(InvalidStorageKeyError);
    expect(() => assertValidKey(key)).toThrow(reason);
  });
});
