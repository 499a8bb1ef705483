import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { tagDependency } from '../../common/dependency-errors';
import { AppConfig } from '../../config/app-config';
import { redisConnectionLog } from '../../logging/redis-connection-log';
import type { AuthenticatedRequest } from '../../auth/principal';

/**
 * The throttler behind the upload rate limit: UPLOAD_RATE_LIMIT uploads per
 * UPLOAD_RATE_WINDOW_SECONDS per principal, counted in Redis so that every API process shares one
 * count. Only handlers that use ThrottlerGuard are limited (POST /api/service-imports and
 * the commit and retry that start an import without an upload).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { uploadRateLimit: limit, uploadRateWindowSeconds: window } = config.auth;
        return {
          throttlers: [{ limit, ttl: window * 1000 }],
          storage: new RedisUploadThrottlerStorage(
            config.redisUrl,
            `${config.queuePrefix}:throttle:`,
            config.redisCommandTimeoutMs,
          ),
          getTracker: uploadTracker,
          errorMessage: (_context, detail) =>
            `Too many uploads: at most ${limit} every ${window} seconds per API key. ` +
            `Retry after ${detail.timeToBlockExpire} seconds.`,
        };
      },
    }),
  ],
})
export class UploadRateLimitModule {}

/** Counted per API key; anonymous callers (no API_KEYS) are counted per IP address. */
export function uploadTracker(req: Record<string, any>): string {
  const { principal, ip } = req as AuthenticatedRequest;
  return principal ? `key:${principal}` : `ip:${ip ?? 'unknown'}`;
}

/**
 * Counts in Redis under QUEUE_PREFIX. When Redis does not answer within REDIS_COMMAND_TIMEOUT_MS the
 * upload is refused at once with a 503 naming Redis, before its body is read: without Redis it could
 * not be queued anyway, and waiting for the queue's own timeout after the rate limit's would double
 * the wait.
 */
class RedisUploadThrottlerStorage extends ThrottlerStorageRedisService {
  constructor(redisUrl: string, keyPrefix: string, commandTimeoutMs: number) {
    const connectionLog = redisConnectionLog(redisUrl);
    super(redisUrl, {
      keyPrefix,
      connectionName: 'service-import:upload-rate-limit',
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: commandTimeoutMs,
      retryStrategy: connectionLog.retryStrategy,
    });
    connectionLog.watch(this.redis as Redis);
  }

  override async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<ThrottlerStorage['increment']> {
    try {
      return await super.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      throw tagDependency(error, 'redis');
    }
  }
}
