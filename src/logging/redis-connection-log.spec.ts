import { Logger } from '@nestjs/common';
import { RedisConnectionLog, redisRetryDelayMs } from './redis-connection-log';

describe('RedisConnectionLog', () => {
  afterEach(() => jest.restoreAllMocks());

  function spies() {
    return {
      warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
      log: jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined),
    };
  }

  it('backs off 0.25 s doubling to 2 s', () => {
    expect([1, 2, 3, 4, 5, 50].map(redisRetryDelayMs)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it.each([1, 3, 6])(
    'warns once per backoff step for %i connections retrying many times, then once that it is back',
    (connections) => {
      const { warn, log } = spies();
      const redis = new RedisConnectionLog('redis://:secret@127.0.0.1:6390');
      for (let outage = 0; outage < 3; outage++) {
        warn.mockClear();
        log.mockClear();
        for (let times = 1; times <= 40; times++) {
          for (let c = 0; c < connections; c++) {
            redis.failed(
              Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {
                code: 'ECONNREFUSED',
                syscall: 'connect',
              }),
            );
            redis.retryStrategy(times);
          }
        }
        expect(warn).toHaveBeenCalledTimes(4);
        const first = warn.mock.calls[0][0] as { msg: string; variable: string };
        expect(first.variable).toBe('REDIS_URL');
        expect(first.msg).toContain('REDIS_URL=redis://:***@127.0.0.1:6390): connect ECONNREFUSED');
        expect(first.msg).toContain('README: Quick start');
        expect(JSON.stringify(warn.mock.calls)).not.toContain('secret');
        for (let c = 0; c < connections; c++) redis.reachable();
        expect(log).toHaveBeenCalledTimes(1);
        expect((log.mock.calls[0][0] as { msg: string }).msg).toBe(
          'Redis is reachable again at 127.0.0.1:6390',
        );
      }
    },
  );

  it('says nothing while Redis is up', () => {
    const { warn, log } = spies();
    const redis = new RedisConnectionLog('redis://127.0.0.1:6379');
    redis.reachable();
    redis.reachable();
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});
