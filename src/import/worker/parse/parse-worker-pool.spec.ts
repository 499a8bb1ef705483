// Runs the real worker thread (loaded through ts-node here) on in-memory streams: no database.
import { PassThrough, Readable } from 'node:stream';
import { chunkedStream } from '../../../../test/support/csv-test-streams';
import { CsvFormatError } from '../../../csv/row-reader';
import { MAX_BATCH_CHARS, ParseOptions } from './parse-protocol';
import { ParseSession } from './parse-session';
import { ParseWorkerPool } from './parse-worker-pool';
import { ParsedBatch } from './parsed-batch';
import { readNotImported, readValidRow } from '../../../../test/support/parsed-batch-test-reader';

const OPTIONS: ParseOptions = {
  encoding: 'utf-8',
  delimiter: ',',
  maxFieldChars: 1000,
  header: ['clientCode', 'serviceCode', 'quantity'],
  skipThrough: 0,
  batchSize: 4,
  firstBatchSize: 2,
  clearable: false,
  sheet: null,
  maxInflatedBytes: 1 << 30,
};

function csv(rows: number, extra = ''): Buffer {
  const lines = ['clientCode,serviceCode,quantity'];
  for (let i = 1; i <= rows; i++) lines.push(`C${i},S1,${i % 5 === 0 ? 'x' : 1}`);
  return Buffer.from(lines.join('\n') + '\n' + extra);
}

async function drain(session: ParseSession): Promise<{ batches: ParsedBatch[]; error: Error | null }> {
  const batches: ParsedBatch[] = [];
  try {
    for (let b = await session.next(); b; b = await session.next()) batches.push(b);
    return { batches, error: null };
  } catch (error) {
    return { batches, error: error as Error };
  } finally {
    session.close();
  }
}

describe('ParseWorkerPool', () => {
  let pool: ParseWorkerPool;
  beforeEach(() => (pool = new ParseWorkerPool()));
  afterEach(() => pool.onApplicationShutdown());

  it('parses a stream on a worker thread into batches: a small first one, then full ones', async () => {
    const { batches, error } = await drain(await pool.start(chunkedStream(csv(11), 7), OPTIONS));
    expect(error).toBeNull();
    expect(batches.map((b) => b.size)).toEqual([2, 4, 4, 1]);
    expect(batches.flatMap((b) => [...b.valid.rowNumbers])).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11]);
    expect(
      batches.flatMap((b) => readNotImported(b.errors.lines).map((e) => [e.rowNumber, e.reason])),
    ).toEqual([
      [5, 'INVALID_QUANTITY'],
      [10, 'INVALID_QUANTITY'],
    ]);
    // the bytes crossed threads intact
    expect(batches[0].stage.count).toBe(2);
    expect(Buffer.from(batches[0].stage.bytes).toString()).toBe(
      '1\tt\tf\tc1\ts1\t1\t\\N\t\\N\t\\N\t\\N\t0\n2\tt\tf\tc2\ts1\t1\t\\N\t\\N\t\\N\t\\N\t0\n',
    );
    expect(readValidRow(batches[3], 0)).toEqual({
      clientCode: 'C11',
      serviceCode: 'S1',
      values: ['C11', 'S1', '1'],
    });
  });

  it('skips the rows an earlier run committed', async () => {
    const { batches } = await drain(await pool.start(chunkedStream(csv(11)), { ...OPTIONS, skipThrough: 6 }));
    expect(batches.map((b) => b.size)).toEqual([2, 3]);
    expect(batches.flatMap((b) => [...b.valid.rowNumbers])).toEqual([7, 8, 9, 11]);
  });

  it('hands over the batches completed before an unreadable row, then a CsvFormatError naming it', async () => {
    // rows 1-2 make the first batch; 3-5 never make a whole one, so nothing of them is committed
    const { batches, error } = await drain(
      await pool.start(chunkedStream(csv(5, 'C6,"S1\nC7,S1,1\n')), OPTIONS),
    );
    expect(batches.map((b) => [...b.valid.rowNumbers])).toEqual([[1, 2]]);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({ kind: 'unterminated-quote', rowNumber: 6 });
  });

  it('passes a storage error on, and the next import gets a working thread', async () => {
    const source = new PassThrough();
    source.write(csv(3));
    const session = await pool.start(source, OPTIONS);
    expect((await session.next())?.size).toBe(2);
    source.destroy(new Error('storage went away'));
    const { error } = await drain(session);
    expect(error?.message).toBe('storage went away');
    const again = await drain(await pool.start(chunkedStream(csv(3)), OPTIONS));
    expect(again).toMatchObject({ error: null });
    expect(again.batches.map((b) => b.size)).toEqual([2, 1]);
  });

  it('keeps a storage error raised while the thread starts for the run, off the process', async () => {
    const source = new PassThrough();
    const starting = pool.start(source, OPTIONS); // no idle thread: one is spawned
    source.destroy(new Error('gone before the first byte'));
    const { error } = await drain(await starting);
    expect(error?.message).toBe('gone before the first byte');
  });

  it('reuses the thread of a finished run and replaces one that stopped midway', async () => {
    await pool.warmUp();
    const first = await pool.start(chunkedStream(csv(3)), OPTIONS);
    const firstThread = threadOf(first);
    await drain(first);
    const second = await pool.start(chunkedStream(csv(100)), OPTIONS);
    expect(threadOf(second)).toBe(firstThread);
    await second.next(); // stop after one batch, with the thread mid-file
    second.close();
    const third = await pool.start(chunkedStream(csv(3)), OPTIONS);
    expect(threadOf(third)).not.toBe(firstThread);
    expect((await drain(third)).batches.map((b) => b.size)).toEqual([2, 1]);
  });

  it('stays a few batches ahead of the reader, not a whole file ahead', async () => {
    let read = 0;
    const big = csv(400_000); // about 7 MB
    const source = Readable.from(
      (function* () {
        for (let at = 0; at < big.length; at += 16_384) {
          read = at;
          yield big.subarray(at, at + 16_384);
        }
      })(),
      { objectMode: false },
    );
    const session = await pool.start(source, { ...OPTIONS, batchSize: 50 });
    await session.next();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the thread runs ahead as far as it may
    // two batches of 50 rows and the stream buffers on the way (the thread's input, the record
    // guard's and fast-csv's, about 1 MB in all): a fixed amount, far from the whole file
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(1_500_000);
    expect((await session.next())?.size).toBe(50);
    session.close();
  });

  it('ends a batch early when its rows hold MAX_BATCH_CHARS of values, whatever the batch size', async () => {
    const notes = 'n'.repeat(200_000); // too long for notes: error rows, whose values are kept
    const rows = 100; // about 20 M characters in all
    const lines = ['clientCode,serviceCode,notes'];
    for (let i = 1; i <= rows; i++) lines.push(`C${i},S1,${notes}`);
    const options = { ...OPTIONS, header: ['clientCode', 'serviceCode', 'notes'], maxFieldChars: 300_000 };
    const { batches, error } = await drain(
      await pool.start(chunkedStream(Buffer.from(lines.join('\n'))), {
        ...options,
        batchSize: 1000,
        firstBatchSize: 1000,
      }),
    );
    expect(error).toBeNull();
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(rows);
    expect(
      batches.every(
        (b) => b.errors.count === b.size && Object.keys(b.errors.reasons).join() === 'NOTES_TOO_LONG',
      ),
    ).toBe(true);
    const perBatch = Math.ceil(MAX_BATCH_CHARS / (notes.length + 20));
    expect(batches.length).toBe(Math.ceil(rows / perBatch));
  });

  it('fails the run when the thread dies', async () => {
    const session = await pool.start(chunkedStream(csv(100), 64), OPTIONS);
    await session.next();
    await (session as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const { error } = await drain(session);
    expect(error?.message).toMatch(/parse worker thread exited/);
  });
});

function threadOf(session: ParseSession): number {
  return (session as unknown as { worker: { threadId: number } }).worker.threadId;
}
