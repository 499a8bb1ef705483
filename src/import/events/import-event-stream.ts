import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { FINAL_STATUSES } from '../job/import-status';

/** Where a stream writes: the HTTP response, or a fake in unit specs. */
export interface EventSink {
  write(chunk: string): void;
  end(): void;
}

export interface EventStreamOptions {
  /** Called once when the stream closes (job ended, client gone, shutdown). */
  onClose?: () => void;
  heartbeatMs?: number;
}

/**
 * One state of a job as every stream of it sends it: the fingerprint and each event's text are
 * computed once, however many streams the job has.
 */
export class JobSnapshot {
  readonly final: boolean;
  readonly shown: string;
  private text: string | null = null;

  constructor(readonly job: ServiceImportJobDto) {
    this.final = FINAL_STATUSES.includes(job.status);
    this.shown = fingerprint(job);
  }

  /** `event: progress` (or `end` for a final state) with the job as JSON. */
  get frame(): string {
    this.text ??= `event: ${this.final ? 'end' : 'progress'}\ndata: ${JSON.stringify(this.job)}\n\n`;
    return this.text;
  }
}

/**
 * One client's Server-Sent Events stream of one import. It is handed the job's states by the job's
 * feed (ImportJobFeed, shared by every stream of the job), sends a `progress` event only when
 * something a client shows changed, and the final state as `end` before it closes.
 */
export class ImportEventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private lastSent = '';
  private closed = false;

  constructor(
    private readonly sink: EventSink,
    private readonly options: EventStreamOptions = {},
  ) {
    this.heartbeat = setInterval(() => this.sink.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(state: JobSnapshot): void {
    if (this.closed) return;
    if (state.final) {
      this.sink.write(state.frame);
      this.close();
      return;
    }
    if (state.shown === this.lastSent) return;
    this.lastSent = state.shown;
    this.sink.write(state.frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.options.onClose?.();
    this.sink.end();
  }
}

/** What a progress display shows; the estimate alone changing with the clock is not news. */
function fingerprint(job: ServiceImportJobDto): string {
  return JSON.stringify([
    job.status,
    job.phase,
    job.totalItems,
    job.processedItems,
    job.createdCount,
    job.skippedCount,
    job.errorCount,
  ]);
}
