import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { addressOf, redactUrl, START_DEPENDENCIES_SECTION } from './redact-url';

/** ioredis's wait before reconnect n (from 1): 0.25 s doubling to 2 s, so four steps in all. */
export function redisRetryDelayMs(times: number): number {
  return Math.min(250 * 2 ** (times - 1), 2000);
}

/**
 * What the process says while Redis is away: one warn line per backoff step (the first names
 * REDIS_URL, redacted, and what to do), one info line when it is back, whatever the number of
 * connections (Bull's, the rate limit's, the event streams') and of attempts. Every ioredis client
 * of the service uses `retryStrategy` and is `watch`ed, which also keeps ioredis from printing
 * "[ioredis] Unhandled error event" with a stack trace for each attempt.
 */
export class RedisConnectionLog {
  private readonly logger = new Logger('Redis');
  private readonly address: string;
  private readonly url: string;
  private reason = 'connection lost';
  private down = false;
  private warnedDelay = 0;

  constructor(redisUrl: string) {
    this.address = addressOf(redisUrl, 6379);
    this.url = redactUrl(redisUrl);
  }

  /** For ioredis's `retryStrategy` option. */
  readonly retryStrategy = (times: number): number => {
    const delay = redisRetryDelayMs(times);
    if (delay > this.warnedDelay) {
      this.logger.warn({
        ...this.fields(),
        reason: this.reason,
        retryInMs: delay,
        msg:
          this.warnedDelay === 0
            ? `Redis is not reachable at ${this.address} (REDIS_URL=${this.url}): ${this.reason}. ` +
              `Start it (${START_DEPENDENCIES_SECTION}) or point REDIS_URL at a running server; ` +
              `retrying in ${delay / 1000} s, /health and uploads answer 503 meanwhile`
            : `Redis is still not reachable at ${this.address}: ${this.reason}; retrying every ${delay / 1000} s`,
      });
      this.warnedDelay = delay;
    }
    this.down = true;
    return delay;
  };

  /** Listens to a client's connection events; returns it. */
  watch<T extends Redis>(client: T): T {
    client.on('error', (error: Error) => this.failed(error));
    client.on('ready', () => this.reachable());
    return client;
  }

  /** A connection error (also Bull's, which its queue re-emits as 'error'). */
  failed(error: Error): void {
    const { code, syscall } = error as NodeJS.ErrnoException;
    this.reason = code && /^E[A-Z]+$/.test(code) ? `${syscall ?? 'connect'} ${code}` : error.message;
  }

  reachable(): void {
    if (!this.down) return;
    this.down = false;
    this.warnedDelay = 0;
    this.logger.log({ ...this.fields(), msg: `Redis is reachable again at ${this.address}` });
  }

  private fields() {
    return { dependency: 'redis', variable: 'REDIS_URL', address: this.address };
  }
}

const logs = new Map<string, RedisConnectionLog>();

/** The one RedisConnectionLog of a REDIS_URL in this process. */
export function redisConnectionLog(redisUrl: string): RedisConnectionLog {
  let log = logs.get(redisUrl);
  if (!log) logs.set(redisUrl, (log = new RedisConnectionLog(redisUrl)));
  return log;
}
