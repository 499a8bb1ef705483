import { BatchOrder, BatchResult, SERIAL } from './batch-writer';
import type { ParsedBatch } from '../parse/parsed-batch';

/** Sends one batch on connection `connection`; the batch expects the job at `checkpoint`. */
export type SendBatch = (
  connection: number,
  checkpoint: number,
  batch: ParsedBatch,
  order: BatchOrder,
) => Promise<BatchResult>;

export type PipelineStop = 'cancelled' | 'lease-lost';

interface Flight {
  batch: ParsedBatch;
  checkpoint: number;
  result: Promise<BatchResult>;
}

/**
 * Keeps up to `connections` consecutive batches of one run in the database at once, each on its own
 * connection, committed in file order.
 *
 * With two connections batches pair up: the first of a pair (the leader) takes the job row lock and
 * does its work; the second (the follower) does its work at the same time on the other connection,
 * then waits in PostgreSQL for the leader's commit. So PostgreSQL works on two batches with two
 * backends, which is most of an import's time. The parse thread never puts a (client, service) pair
 * into two consecutive batches (AssignmentStageBuilder), so the two never compete for a pair.
 *
 * Two such batches can still deadlock with another import's batches that need a pair from each (two
 * one-statement batches cannot: each inserts in one order). PostgreSQL then ends one of the
 * transactions; when it is ours, the batches in flight are sent again one at a time (a few times,
 * after a short random pause, should a deadlock strike again) and the run goes on.
 */
export class BatchPipeline {
  private readonly inFlight: Flight[] = [];
  private launched = 0;
  private lastLocked: Promise<void> = Promise.resolve();
  private next: number;
  /** Deadlocks PostgreSQL resolved against this run's batches (each was sent again). */
  deadlocks = 0;

  constructor(
    private readonly connections: number,
    checkpoint: number,
    private readonly send: SendBatch,
  ) {
    this.next = checkpoint;
  }

  /** Sends `batch` once a connection is free; a stop when the run must end (nothing more is sent). */
  async push(batch: ParsedBatch): Promise<PipelineStop | undefined> {
    if (this.inFlight.length >= this.connections) {
      const stop = await this.settleOldest();
      if (stop) return stop;
    }
    this.launch(batch);
    return undefined;
  }

  /** Waits for every batch sent to commit. */
  async drain(): Promise<PipelineStop | undefined> {
    while (this.inFlight.length > 0) {
      const stop = await this.settleOldest();
      if (stop) return stop;
    }
    return undefined;
  }

  /** Waits until no batch is in the database, whatever their results (for clean-up). */
  async quiesce(): Promise<void> {
    await Promise.allSettled(this.inFlight.map((f) => f.result));
  }

  private launch(batch: ParsedBatch): void {
    const index = this.launched++;
    const checkpoint = this.next;
    this.next += batch.size;
    let onLocked!: () => void;
    const locked = new Promise<void>((resolve) => (onLocked = resolve));
    const order: BatchOrder = {
      lockFirst: this.connections === 1 || index % 2 === 0,
      predecessorLocked: this.lastLocked,
      onLocked,
    };
    this.lastLocked = locked;
    const result = this.send(index % this.connections, checkpoint, batch, order);
    // Read in settleOldest(); this only keeps an early rejection from being reported as unhandled.
    result.catch(() => undefined);
    this.inFlight.push({ batch, checkpoint, result });
  }

  private async settleOldest(): Promise<PipelineStop | undefined> {
    const oldest = this.inFlight[0];
    let result: BatchResult;
    try {
      result = await oldest.result;
    } catch (error) {
      if (isDeadlock(error)) return this.resendOneAtATime();
      throw error;
    }
    this.inFlight.shift();
    return result.ok ? undefined : result.why;
  }

  /** Sends one batch on its own, again after a pause when a deadlock strikes, a few times. */
  private async sendAlone(flight: Flight): Promise<BatchResult> {
    for (let send = 1; ; send++) {
      try {
        return await this.send(0, flight.checkpoint, flight.batch, SERIAL);
      } catch (error) {
        if (!isDeadlock(error) || send >= DEADLOCK_SENDS) throw error;
        this.deadlocks++;
        // The other side of the deadlock usually goes on; do not meet it again at once.
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 180));
      }
    }
  }

  /**
   * The oldest batch was ended by a deadlock. The later ones cannot have committed (each expects the
   * checkpoint the oldest leaves); once they have ended, all are sent again in order, one at a time.
   */
  private async resendOneAtATime(): Promise<PipelineStop | undefined> {
    this.deadlocks++;
    const again = this.inFlight.splice(0);
    await Promise.allSettled(again.map((f) => f.result));
    for (const flight of again) {
      const result = await this.sendAlone(flight);
      if (!result.ok) return result.why;
    }
    this.launched = 0;
    this.lastLocked = Promise.resolve();
    return undefined;
  }
}

/** Sends of one batch, alone, before a deadlock is passed on (the attempt then fails and is retried). */
export const DEADLOCK_SENDS = 5;

/** PostgreSQL's deadlock_detected. */
export function isDeadlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01';
}
