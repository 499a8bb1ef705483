import { SingleBar } from 'cli-progress';
import type { Job } from './api-client';
import { formatDuration, formatInt } from './format';

/** Shows an import's progress while the CLI follows it. */
export interface ProgressDisplay {
  update(job: Job): void;
  /** Leaves the terminal clean for what is printed next. */
  stop(): void;
}

/** A bar on a terminal, plain lines otherwise (CI logs, pipes). */
export function progressDisplay(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressDisplay {
  return stream.isTTY ? new BarDisplay(stream, now) : new LineDisplay(stream, now);
}

/** rows/s measured by the CLI itself from the states it saw (the server's clock may differ from ours). */
class RateMeter {
  private first: { at: number; rows: number } | null = null;
  private last: number | null = null;

  constructor(private readonly now: () => number) {}

  /** null until measured; after the run, the last rate measured while it ran. */
  rate(job: Job): number | null {
    if (job.status !== 'InProgress') return this.last;
    const at = this.now();
    if (!this.first || job.processedItems < this.first.rows) {
      this.first = { at, rows: job.processedItems };
      return this.last;
    }
    const seconds = (at - this.first.at) / 1000;
    if (seconds >= 0.5) this.last = (job.processedItems - this.first.rows) / seconds;
    return this.last;
  }
}

function stateText(job: Job): string {
  return job.phase ? `${job.status} (${job.phase})` : job.status;
}

function etaText(job: Job): string {
  return job.estimatedSecondsRemaining === null ? '--' : formatDuration(job.estimatedSecondsRemaining);
}

class BarDisplay implements ProgressDisplay {
  private readonly bar: SingleBar;
  private readonly meter: RateMeter;
  private started = false;

  constructor(stream: NodeJS.WriteStream, now: () => number) {
    this.meter = new RateMeter(now);
    this.bar = new SingleBar({
      stream,
      format: '{bar} {pct} | {value}/{total} rows | {speed} rows/s | ETA {etaText} | {state}',
      barsize: 30,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      emptyOnZero: true,
      hideCursor: false,
      formatValue: (value, _options, type) =>
        type === 'value' || type === 'total' ? formatInt(Number(value)) : String(value),
    });
  }

  update(job: Job): void {
    const rate = this.meter.rate(job);
    const payload = {
      pct: job.progressPercent === null ? '  --%' : `${job.progressPercent.toFixed(1).padStart(5)}%`,
      speed: rate === null ? '--' : formatInt(Math.round(rate)),
      etaText: etaText(job),
      state: stateText(job),
    };
    const total = job.totalItems ?? 0;
    if (!this.started) {
      this.bar.start(total, job.processedItems, payload);
      this.started = true;
      return;
    }
    if (total !== this.bar.getTotal()) this.bar.setTotal(total);
    this.bar.update(job.processedItems, payload);
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

/** One line per change, at most one a second (plus every status or phase change and the end). */
class LineDisplay implements ProgressDisplay {
  private readonly meter: RateMeter;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastState = '';
  private lastRows = -1;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number,
  ) {
    this.meter = new RateMeter(now);
  }

  update(job: Job): void {
    const rate = this.meter.rate(job);
    const state = stateText(job);
    const at = this.now();
    const changedState = state !== this.lastState;
    if (!changedState && (job.processedItems === this.lastRows || at - this.lastAt < 1000)) return;
    this.lastAt = at;
    this.lastState = state;
    this.lastRows = job.processedItems;
    const total = job.totalItems === null ? '?' : formatInt(job.totalItems);
    const pct = job.progressPercent === null ? '' : ` (${job.progressPercent.toFixed(1)}%)`;
    const speed = rate === null ? '' : `, ${formatInt(Math.round(rate))} rows/s`;
    const eta =
      FINAL.includes(job.status) || job.estimatedSecondsRemaining === null ? '' : `, ETA ${etaText(job)}`;
    this.stream.write(
      `Progress: ${state}: ${formatInt(job.processedItems)}/${total} rows${pct}${speed}${eta}\n`,
    );
  }

  stop(): void {}
}

const FINAL = ['Completed', 'Failed', 'Cancelled'];
