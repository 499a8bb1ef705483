import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { Repository } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { NotFoundError } from '../../common/domain-errors';
import { AppConfig } from '../../config/app-config';
import { ImportService } from '../import.service';
import { ownedBy } from '../admission/ownership';
import { ServiceImportJob } from '../job/service-import-job.entity';
import { ImportEventStream } from './import-event-stream';
import { ImportJobFeed } from './import-job-feed';
import { ImportEventsSubscriber } from './import-events.subscriber';
import { StreamSlots } from './stream-slots';

interface Feed {
  feed: ImportJobFeed;
  /** Resolves once the feed hears the job's notifications: streams join it only then. */
  listening: Promise<void>;
}

/**
 * Opens and tracks the Server-Sent Events streams of GET /service-imports/{code}/events: one feed
 * (one subscription, one reload per notification) per import, shared by all of its streams, and at
 * most SSE_MAX_STREAMS_PER_KEY open streams per principal.
 */
@Injectable()
export class ImportEventsService implements BeforeApplicationShutdown {
  private readonly feeds = new Map<string, Feed>();
  private readonly slots: StreamSlots;

  constructor(
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly imports: ImportService,
    private readonly subscriber: ImportEventsSubscriber,
    config: AppConfig,
  ) {
    this.slots = new StreamSlots(config.sseMaxStreamsPerKey);
  }

  /**
   * Answers 429 over the cap and 404 (as JSON, through the exception filter) for an unknown code;
   * otherwise switches the response to text/event-stream and streams until the job ends or the
   * client goes away.
   */
  async open(code: string, principal: Principal, req: Request, res: Response): Promise<void> {
    const release = this.slots.take(principal ?? `ip:${req.ip}`);
    let stream: ImportEventStream | null = null;
    try {
      const job = await this.jobs.findOne({
        select: { id: true },
        where: { code, owner: ownedBy(principal) },
      });
      if (!job) throw new NotFoundError(`No import with code "${code}".`);
      const feed = await this.feedOf(job.id, code, principal);
      if (res.destroyed) return;
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache, no-transform');
      res.setHeader('Connection', 'keep-alive');
      res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
      res.flushHeaders();
      req.socket.setTimeout(0);
      req.socket.setNoDelay(true);
      const opened: ImportEventStream = new ImportEventStream(
        { write: (chunk) => res.write(chunk), end: () => res.end() },
        {
          onClose: () => {
            release();
            feed.remove(opened);
          },
        },
      );
      stream = opened;
      res.on('close', () => opened.close());
      feed.add(opened);
    } finally {
      if (!stream) release();
    }
  }

  /** Open streams would keep the HTTP server from closing; clients reconnect or poll. */
  beforeApplicationShutdown(): void {
    for (const { feed } of [...this.feeds.values()]) feed.close();
  }

  /** The job's feed, created and subscribed by the first stream; never a closed one. */
  private async feedOf(importId: string, code: string, principal: Principal): Promise<ImportJobFeed> {
    for (;;) {
      let entry = this.feeds.get(importId);
      if (!entry) entry = this.createFeed(importId, code, principal);
      await entry.listening;
      if (!entry.feed.isClosed) return entry.feed;
    }
  }

  private createFeed(importId: string, code: string, principal: Principal): Feed {
    let stopListening: (() => void) | null = null;
    const feed = new ImportJobFeed({
      load: () => this.imports.get(code, principal),
      onClose: () => {
        if (this.feeds.get(importId) === entry) this.feeds.delete(importId);
        stopListening?.();
      },
    });
    // Listen before the first reload, so no change between the two is missed.
    const listening = this.subscriber
      .listen(importId, () => feed.notify())
      .then((stop) => {
        stopListening = stop;
        if (feed.isClosed) stop();
      });
    const entry: Feed = { feed, listening };
    this.feeds.set(importId, entry);
    return entry;
  }
}
