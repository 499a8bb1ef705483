import { isInternalAddress, parseTargetUrl, RefusedTargetError } from './webhook-target';

describe('isInternalAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fd00::1',
    'fc12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    'not-an-address',
  ])('%s is internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '203.0.113.5', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isInternalAddress(address)).toBe(false);
    },
  );
});

describe('parseTargetUrl', () => {
  const strict = { allowHttp: false, allowPrivate: false };
  it('takes https, and http only when allowed', () => {
    expect(parseTargetUrl('https://example.com/x', strict).hostname).toBe('example.com');
    expect(() => parseTargetUrl('http://example.com/x', strict)).toThrow(/must be https/);
    expect(parseTargetUrl('http://example.com/x', { ...strict, allowHttp: true }).protocol).toBe('http:');
  });

  it('refuses other schemes, credentials and non-URLs', () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'https://a:b@example.com/',
      'example.com',
    ]) {
      expect(() => parseTargetUrl(url, { allowHttp: true, allowPrivate: true })).toThrow(RefusedTargetError);
    }
  });
});
