import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { Repository } from 'typeorm';
import type { Principal } from '../../auth/principal';
import { ImportService } from '../import.service';
import { ServiceImportJob } from '../service-import-job.entity';
import { ImportEventStream } from './import-event-stream';
import { ImportEventsSubscriber } from './import-events.subscriber';

/** Opens and tracks the Server-Sent Events streams of GET /service-imports/{code}/events. */
@Injectable()
export class ImportEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ImportEventsService.name);
  private readonly streams = new Set<ImportEventStream>();

  constructor(
    @InjectRepository(ServiceImportJob) private readonly jobs: Repository<ServiceImportJob>,
    private readonly imports: ImportService,
    private readonly subscriber: ImportEventsSubscriber,
  ) {}

  /**
   * Answers 404 (as JSON, through the exception filter) for an unknown code; otherwise switches the
   * response to text/event-stream and streams until the job ends or the client goes away.
   */
  async open(code: string, principal: Principal, req: Request, res: Response): Promise<void> {
    await this.imports.get(code, principal); // the same lookup, ownership and 404 as GET /{code}
    const { id } = await this.jobs.findOneOrFail({ select: { id: true }, where: { code } });

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
    res.flushHeaders();
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);

    let stopListening: (() => void) | null = null;
    const stream = new ImportEventStream(
      { write: (chunk) => res.write(chunk), end: () => res.end() },
      {
        load: () => this.imports.get(code, principal),
        onClose: () => {
          this.streams.delete(stream);
          stopListening?.();
        },
      },
    );
    this.streams.add(stream);
    res.on('close', () => stream.close());
    // Listen before reading the state, so no change between the two is missed.
    stopListening = await this.subscriber.listen(id, () => stream.notify());
    if (stream.isClosed) {
      stopListening();
      return;
    }
    try {
      stream.start(await this.imports.get(code, principal));
    } catch (error) {
      this.logger.warn(`Event stream of import ${code}: ${(error as Error).message}`);
      stream.close();
    }
  }

  /** Open streams would keep the HTTP server from closing; clients reconnect or poll. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}
