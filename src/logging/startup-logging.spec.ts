import { defaultLogFormat } from './log-format';
import { addressOf, redactUrl } from './redact-url';
import { loadConfig, loadLogConfig } from '../config/app-config';

describe('redactUrl', () => {
  it.each([
    [
      'postgres://postgres:secret@127.0.0.1:5499/service_import',
      'postgres://postgres:***@127.0.0.1:5499/service_import',
    ],
    ['postgres://u:p%40ss%2Fw%3Ard@db:5432/x?sslmode=require', 'postgres://u:***@db:5432/x?sslmode=require'],
    [
      'postgres://postgres@127.0.0.1:5432/service_import',
      'postgres://postgres@127.0.0.1:5432/service_import',
    ],
    ['redis://:secret@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['rediss://default:secret@cache:6380/2', 'rediss://default:***@cache:6380/2'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['not a url secret', '[unparseable URL]'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('names the address with the default port', () => {
    expect(addressOf('postgres://u:p@db/x', 5432)).toBe('db:5432');
    expect(addressOf('redis://127.0.0.1:6390', 6379)).toBe('127.0.0.1:6390');
  });
});

describe('the default LOG_FORMAT', () => {
  it('is pretty only in development on a terminal with pino-pretty installed', () => {
    expect(defaultLogFormat('development', true, true)).toBe('pretty');
    for (const [env, tty, pretty] of [
      ['development', false, true],
      ['development', true, false],
      ['production', true, true],
      ['test', true, true],
    ] as const) {
      expect({ env, tty, pretty, format: defaultLogFormat(env, tty, pretty) }).toMatchObject({
        format: 'json',
      });
    }
  });

  it('follows NODE_ENV and the terminal, and an explicit LOG_FORMAT wins', () => {
    // pino-pretty is a dev dependency, installed here.
    expect(loadConfig({}, true).log.format).toBe('pretty');
    expect(loadConfig({}, false).log.format).toBe('json');
    expect(loadConfig({ NODE_ENV: 'test' }, true).log.format).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).log.format).toBe('json');
    expect(loadConfig({ NODE_ENV: 'test', LOG_FORMAT: 'pretty' }, false).log.format).toBe('pretty');
  });

  it('is read on its own, without failing, before the rest of the configuration', () => {
    expect(loadLogConfig({ LOG_LEVEL: 'loud', PORT: 'x' }, false)).toEqual({ level: 'info', format: 'json' });
    expect(loadLogConfig({ LOG_LEVEL: 'debug' }, true)).toEqual({ level: 'debug', format: 'pretty' });
  });
});
