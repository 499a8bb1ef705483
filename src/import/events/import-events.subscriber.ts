import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { withTimeout } from '../../common/with-timeout';
import { redisConnectionLog } from '../../logging/redis-connection-log';
import { importEventsChannel } from './import-events.channel';

type Listener = () => void;

/**
 * One dedicated Redis connection per process in subscriber mode (a subscribed connection can run no
 * other command), opened when the first event stream starts. Notifications are dispatched in-process
 * to the listeners of that import.
 */
@Injectable()
export class ImportEventsSubscriber implements OnApplicationShutdown {
  private readonly logger = new Logger(ImportEventsSubscriber.name);
  private readonly channel: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private redis: Redis | null = null;
  private subscribed: Promise<unknown> | null = null;

  constructor(private readonly config: AppConfig) {
    this.channel = importEventsChannel(config.queuePrefix);
  }

  /** Calls `listener` whenever the import changes; returns the function that stops it. */
  async listen(importId: string, listener: Listener): Promise<() => void> {
    let set = this.listeners.get(importId);
    if (!set) this.listeners.set(importId, (set = new Set()));
    set.add(listener);
    const stop = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(importId) === set) this.listeners.delete(importId);
    };
    // Wait (briefly) until Redis confirms the subscription, so a change right after connecting is heard;
    // if Redis is slow or down, the stream still works through its periodic check.
    await withTimeout(this.subscribe(), 2000, 'Redis did not confirm the subscription').catch((error) =>
      this.logger.warn(`Import events: ${(error as Error).message}`),
    );
    return stop;
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    this.subscribed = null;
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }

  private subscribe(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const connectionLog = redisConnectionLog(this.config.redisUrl);
    const redis = connectionLog.watch(
      new Redis(this.config.redisUrl, {
        maxRetriesPerRequest: null,
        enableReadyCheck: false,
        retryStrategy: connectionLog.retryStrategy,
      }),
    );
    let connectedBefore = false;
    redis.on('message', (channel: string, importId: string) => {
      if (channel === this.channel) this.dispatch(importId);
    });
    redis.on('ready', () => {
      // Notifications sent while we were disconnected are lost: let every stream look again.
      if (connectedBefore) for (const importId of this.listeners.keys()) this.dispatch(importId);
      connectedBefore = true;
    });
    this.redis = redis;
    this.subscribed = redis.subscribe(this.channel);
    this.subscribed.catch(() => undefined);
    return this.subscribed;
  }

  private dispatch(importId: string): void {
    const set = this.listeners.get(importId);
    if (set) for (const listener of [...set]) listener();
  }
}
