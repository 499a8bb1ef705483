import { BatchPipeline, DEADLOCK_SENDS, SendBatch } from './batch-pipeline';
import type { BatchOrder, BatchResult } from './batch-writer';
import type { ParsedBatch } from '../parse/parsed-batch';

const batch = (size: number) => ({ size }) as ParsedBatch;
const committed: BatchResult = {
  ok: true,
  commit: { created: 1, updated: 0, unchanged: 0, skipped: 0, errors: 0 },
};

interface Sent {
  connection: number;
  checkpoint: number;
  order: BatchOrder;
  settle(result: BatchResult | Error): void;
}

/** A fake database: records every batch sent and lets the test settle each one when it likes. */
function fakeSend(): { send: SendBatch; sent: Sent[] } {
  const sent: Sent[] = [];
  const send: SendBatch = (connection, checkpoint, _batch, order) =>
    new Promise<BatchResult>((resolve, reject) => {
      sent.push({
        connection,
        checkpoint,
        order,
        settle: (r) => {
          order.onLocked();
          if (r instanceof Error) reject(r);
          else resolve(r);
        },
      });
    });
  return { send, sent };
}

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchPipeline', () => {
  it('keeps two batches in flight on two connections, leader then follower, checkpoints in file order', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 100, send);
    await pipeline.push(batch(10));
    await pipeline.push(batch(20));
    expect(sent.map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([
      [0, 100, true],
      [1, 110, false],
    ]);
    // The third batch needs the first one's connection: push waits until it has committed.
    const third = pipeline.push(batch(30));
    await tick();
    expect(sent).toHaveLength(2);
    sent[0].settle(committed);
    expect(await third).toBeUndefined();
    expect(sent.map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([
      [0, 100, true],
      [1, 110, false],
      [0, 130, true],
    ]);
    sent[1].settle(committed);
    sent[2].settle(committed);
    expect(await pipeline.drain()).toBeUndefined();
  });

  it('lets a batch queue for the job lock only after the batch before it holds the lock', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(1));
    await pipeline.push(batch(1));
    let followerMayLock = false;
    void sent[1].order.predecessorLocked.then(() => (followerMayLock = true));
    await tick();
    expect(followerMayLock).toBe(false);
    sent[0].order.onLocked();
    await tick();
    expect(followerMayLock).toBe(true);
  });

  it('sends one batch at a time, each taking the lock first, on one connection', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(1, 0, send);
    await pipeline.push(batch(5));
    const second = pipeline.push(batch(5));
    await tick();
    expect(sent).toHaveLength(1);
    sent[0].settle(committed);
    await second;
    expect(sent.map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([
      [0, 0, true],
      [0, 5, true],
    ]);
  });

  it('reports the oldest batch’s stop and sends nothing more', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(1));
    await pipeline.push(batch(1));
    const third = pipeline.push(batch(1));
    sent[0].settle({ ok: false, why: 'cancelled' });
    sent[1].settle({ ok: false, why: 'lease-lost' });
    expect(await third).toBe('cancelled');
    expect(sent).toHaveLength(2);
  });

  it('sends the batches in flight again one at a time after a deadlock, then pairs up again', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(10));
    await pipeline.push(batch(20));
    const third = pipeline.push(batch(30));
    sent[0].settle(deadlock());
    // The follower cannot commit without the leader's checkpoint; it ends once the leader has.
    sent[1].settle({ ok: false, why: 'lease-lost' });
    await tick();
    await tick();
    expect(sent.slice(2).map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([[0, 0, true]]);
    sent[2].settle(committed);
    await tick();
    await tick();
    expect(sent.slice(3).map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([
      [0, 10, true],
    ]);
    sent[3].settle(committed);
    expect(await third).toBeUndefined();
    expect(pipeline.deadlocks).toBe(1);
    // The third batch leads a new pair.
    expect(sent.slice(4).map((s) => [s.connection, s.checkpoint, s.order.lockFirst])).toEqual([
      [0, 30, true],
    ]);
  });

  it('passes on errors other than a deadlock', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(1));
    const drained = pipeline.drain();
    sent[0].settle(new Error('connection lost'));
    await expect(drained).rejects.toThrow('connection lost');
    expect(pipeline.deadlocks).toBe(0);
  });

  it('sends a batch again after a deadlock with one connection too', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(1, 0, send);
    await pipeline.push(batch(4));
    const drained = pipeline.drain();
    sent[0].settle(deadlock());
    await waitUntil(() => sent.length === 2);
    expect([sent[1].connection, sent[1].checkpoint, sent[1].order.lockFirst]).toEqual([0, 0, true]);
    sent[1].settle(committed);
    expect(await drained).toBeUndefined();
    expect(pipeline.deadlocks).toBe(1);
  });

  it('sends nothing again until the younger batch in flight has ended (its connection is busy)', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(1));
    await pipeline.push(batch(1));
    const drained = pipeline.drain();
    sent[0].settle(deadlock());
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sent).toHaveLength(2);
    sent[1].settle({ ok: false, why: 'lease-lost' });
    await waitUntil(() => sent.length === 3);
    sent[2].settle(committed);
    await waitUntil(() => sent.length === 4);
    sent[3].settle(committed);
    expect(await drained).toBeUndefined();
  });

  it('resends when the younger batch was the one PostgreSQL ended', async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(10));
    await pipeline.push(batch(20));
    const drained = pipeline.drain();
    sent[0].settle(committed);
    sent[1].settle(deadlock());
    await waitUntil(() => sent.length === 3);
    expect([sent[2].connection, sent[2].checkpoint, sent[2].order.lockFirst]).toEqual([0, 10, true]);
    sent[2].settle(committed);
    expect(await drained).toBeUndefined();
    expect(pipeline.deadlocks).toBe(1);
  });

  it(`passes a deadlock on after ${DEADLOCK_SENDS} sends of the same batch alone`, async () => {
    const { send, sent } = fakeSend();
    const pipeline = new BatchPipeline(2, 0, send);
    await pipeline.push(batch(1));
    const drained = pipeline.drain();
    drained.catch(() => undefined);
    sent[0].settle(deadlock());
    for (let n = 2; n <= DEADLOCK_SENDS + 1; n++) {
      await waitUntil(() => sent.length === n);
      sent[n - 1].settle(deadlock());
    }
    await expect(drained).rejects.toThrow('deadlock detected');
    expect(sent).toHaveLength(DEADLOCK_SENDS + 1);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
