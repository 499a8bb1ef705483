import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { FINAL_STATUSES } from '../import-status';

/** Where a stream writes: the HTTP response, or a fake in unit specs. */
export interface EventSink {
  write(chunk: string): void;
  end(): void;
}

export interface EventStreamOptions {
  /** Reloads the job; called at most once per `minIntervalMs`. */
  load: () => Promise<ServiceImportJobDto>;
  /** Called once when the stream closes (job ended, client gone, shutdown). */
  onClose?: () => void;
  minIntervalMs?: number;
  heartbeatMs?: number;
  /** Looks again this often even without a notification, in case one was lost. */
  recheckMs?: number;
  now?: () => number;
}

/**
 * One client's Server-Sent Events stream of one import. Notifications are coalesced (at most one
 * reload per `minIntervalMs`, the last one always served), a `progress` event is sent only when
 * something a client shows changed, and the final state is sent as `end` before the stream closes.
 */
export class ImportEventStream {
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | null = null;
  private lastLoadAt = Number.NEGATIVE_INFINITY;
  private loading = false;
  private again = false;
  private lastSent = '';
  private closed = false;

  constructor(
    private readonly sink: EventSink,
    private readonly options: EventStreamOptions,
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the current state (or just `end` for a job already final) and starts the timers. */
  start(current: ServiceImportJobDto): void {
    if (this.closed) return;
    this.lastLoadAt = this.now();
    this.push(current);
    if (this.closed) return;
    const heartbeat = setInterval(() => this.sink.write(': ping\n\n'), this.options.heartbeatMs ?? 15_000);
    const recheck = setInterval(() => this.notify(), this.options.recheckMs ?? 5_000);
    this.timers.push(heartbeat, recheck);
  }

  /** The import changed: reload it now, or as soon as the coalescing interval allows. */
  notify(): void {
    if (this.closed || this.pending) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    const wait = Math.max(0, this.lastLoadAt + this.minIntervalMs - this.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.reload();
    }, wait);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.options.onClose?.();
    this.sink.end();
  }

  private async reload(): Promise<void> {
    if (this.closed) return;
    this.loading = true;
    this.lastLoadAt = this.now();
    try {
      const job = await this.options.load();
      if (!this.closed) this.push(job);
    } catch {
      // The database hiccuped: keep the stream open, the next notification or check tries again.
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.notify();
      }
    }
  }

  private push(job: ServiceImportJobDto): void {
    if (FINAL_STATUSES.includes(job.status)) {
      this.send('end', job);
      this.close();
      return;
    }
    const shown = fingerprint(job);
    if (shown === this.lastSent) return;
    this.lastSent = shown;
    this.send('progress', job);
  }

  private send(event: string, job: ServiceImportJobDto): void {
    this.sink.write(`event: ${event}\ndata: ${JSON.stringify(job)}\n\n`);
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
