import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ImportStatus } from '../job/import-status';
import { ImportEventStream } from './import-event-stream';
import { ImportJobFeed } from './import-job-feed';

function job(processedItems: number, status = ImportStatus.InProgress): ServiceImportJobDto {
  return { code: 'c', status, processedItems, totalItems: 100 } as ServiceImportJobDto;
}

/** A client: what its stream wrote, and whether it ended; `onWrite` sees each chunk as it is written. */
function client(feed: ImportJobFeed, onWrite: (chunk: string) => void = () => undefined) {
  const chunks: string[] = [];
  const calls = { ended: 0, closed: 0 };
  const stream: ImportEventStream = new ImportEventStream(
    {
      write: (c) => {
        chunks.push(c);
        onWrite(c);
      },
      end: () => calls.ended++,
    },
    {
      onClose: () => {
        calls.closed++;
        feed.remove(stream);
      },
    },
  );
  const events = () =>
    chunks
      .filter((c) => c.startsWith('event:'))
      .map((c) => {
        const [, event, data] = /^event: (\w+)\ndata: (.*)\n\n$/.exec(c)!;
        return { event, processed: (JSON.parse(data) as ServiceImportJobDto).processedItems };
      });
  return { stream, chunks, calls, events };
}

function harness(initial: ServiceImportJobDto, minIntervalMs?: number) {
  let current = initial;
  const calls = { load: 0, feedClosed: 0 };
  const feed = new ImportJobFeed({
    load: () => {
      calls.load++;
      return Promise.resolve(current);
    },
    onClose: () => calls.feedClosed++,
    minIntervalMs,
  });
  return { feed, calls, set: (j: ServiceImportJobDto) => (current = j) };
}

describe('ImportJobFeed', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('loads the current state for the first stream, then one reload per 250 ms for a burst', async () => {
    const h = harness(job(0));
    const c = client(h.feed);
    h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.calls.load).toBe(1);
    h.set(job(10));
    for (let i = 0; i < 20; i++) h.feed.notify();
    await jest.advanceTimersByTimeAsync(249);
    expect(h.calls.load).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.calls.load).toBe(2);
    h.set(job(20));
    h.feed.notify();
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(250);
    expect(h.calls.load).toBe(3);
    expect(c.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'progress', processed: 10 },
      { event: 'progress', processed: 20 },
    ]);
    h.feed.close();
    expect(c.calls).toEqual({ ended: 1, closed: 1 });
  });

  it.each([1, 2, 50, 1000])(
    'reloads once per notification for %d streams, and sends each its events',
    async (n) => {
      const h = harness(job(0));
      const clients = Array.from({ length: n }, () => client(h.feed));
      for (const c of clients) h.feed.add(c.stream);
      await jest.advanceTimersByTimeAsync(300);
      const notifications = 10;
      for (let i = 1; i <= notifications; i++) {
        h.set(job(i * 5));
        h.feed.notify();
        await jest.advanceTimersByTimeAsync(300);
      }
      h.set(job(100, ImportStatus.Completed));
      h.feed.notify();
      await jest.advanceTimersByTimeAsync(300);
      expect(h.calls.load).toBe(1 + notifications + 1);
      const expected = [
        ...Array.from({ length: notifications + 1 }, (_, i) => ({ event: 'progress', processed: i * 5 })),
        { event: 'end', processed: 100 },
      ];
      for (const c of clients) {
        expect(c.events()).toEqual(expected);
        expect(c.calls).toEqual({ ended: 1, closed: 1 });
      }
      expect(h.feed.isClosed).toBe(true);
      expect(h.calls.feedClosed).toBe(1);
    },
  );

  it('gives a stream that joins late the last state at once, then the state as of now', async () => {
    const h = harness(job(10));
    const first = client(h.feed);
    h.feed.add(first.stream);
    await jest.advanceTimersByTimeAsync(300);
    h.set(job(30));
    const late = client(h.feed);
    h.feed.add(late.stream);
    expect(late.events()).toEqual([{ event: 'progress', processed: 10 }]);
    await jest.advanceTimersByTimeAsync(300);
    expect(late.events()).toEqual([
      { event: 'progress', processed: 10 },
      { event: 'progress', processed: 30 },
    ]);
    expect(first.events().map((e) => e.processed)).toEqual([10, 30]);
    h.feed.close();
  });

  it('skips a reload that changed nothing, and ends with the final state', async () => {
    const h = harness(job(0));
    const c = client(h.feed);
    h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(300);
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(h.calls.load).toBe(2);
    h.set(job(100, ImportStatus.Completed));
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(c.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'end', processed: 100 },
    ]);
    expect(c.calls).toMatchObject({ ended: 1, closed: 1 });
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(h.calls.load).toBe(3); // closed: no more work, no heartbeat
    expect(c.chunks.filter((x) => x.startsWith(':'))).toEqual([]);
  });

  it('gives a job already final just the end event', async () => {
    const h = harness(job(5, ImportStatus.Cancelled));
    const c = client(h.feed);
    h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(0);
    expect(c.events()).toEqual([{ event: 'end', processed: 5 }]);
    expect(c.calls.ended).toBe(1);
    expect(h.feed.isClosed).toBe(true);
  });

  it('sends a heartbeat comment every 15 s and looks again every 5 s without notifications', async () => {
    const h = harness(job(0));
    const c = client(h.feed);
    h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(0);
    h.set(job(50));
    await jest.advanceTimersByTimeAsync(15_000);
    expect(c.chunks.filter((x) => x === ': ping\n\n')).toHaveLength(1);
    expect(h.calls.load).toBeGreaterThanOrEqual(3); // at 0, 5 s and 10 s
    expect(c.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'progress', processed: 50 },
    ]);
    c.stream.close();
    expect(c.calls.closed).toBe(1);
    expect(h.feed.isClosed).toBe(true); // its last stream left
  });

  it('keeps its streams when a reload fails, and tries again', async () => {
    let fail = true;
    const feed = new ImportJobFeed({
      load: () => (fail ? Promise.reject(new Error('db down')) : Promise.resolve(job(7))),
    });
    const c = client(feed);
    feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(300);
    expect(c.events()).toEqual([]);
    fail = false;
    feed.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(c.events()).toEqual([{ event: 'progress', processed: 7 }]);
    feed.close();
  });

  it('serves a notification that arrives during a reload once the reload is done', async () => {
    let release: (() => void) | null = null;
    let current = job(1);
    let loads = 0;
    const feed = new ImportJobFeed({
      load: async () => {
        loads++;
        const answer = current;
        await new Promise<void>((r) => (release = r));
        return answer;
      },
    });
    const c = client(feed);
    feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(250);
    expect(loads).toBe(1);
    current = job(2);
    feed.notify();
    release!();
    await jest.advanceTimersByTimeAsync(250);
    expect(loads).toBe(2);
    release!();
    await jest.advanceTimersByTimeAsync(0);
    expect(c.events().map((e) => e.processed)).toEqual([1, 2]);
    feed.close();
  });

  it('hands a state to 1,000 streams 50 at a time, serving other work between two chunks', async () => {
    jest.useRealTimers();
    const clients: ReturnType<typeof client>[] = [];
    const served = () => clients.filter((c) => c.chunks.length > 0).length;
    // Other work ready when the reload answers (a poll, say): how far the fan-out had got each time.
    const seen: number[] = [];
    const probe = () => {
      seen.push(served());
      if (served() < clients.length) setImmediate(probe);
    };
    const feed = new ImportJobFeed({
      load: () => {
        setImmediate(probe);
        return Promise.resolve(job(0));
      },
    });
    for (let i = 0; i < 1000; i++) clients.push(client(feed));
    try {
      for (const c of clients) feed.add(c.stream);
      await new Promise<void>((resolve) => {
        const check = () => (seen.at(-1) === clients.length ? resolve() : setTimeout(check, 5));
        check();
      });
      expect(seen[0]).toBe(50);
      expect(Math.max(...seen.map((n, i) => n - (seen[i - 1] ?? 0)))).toBe(50);
    } finally {
      feed.close(); // real timers: its streams' heartbeats must not outlive the test
    }
  });

  it('gives a stream that joins while the end is being handed out the end at once', async () => {
    const h = harness(job(0));
    let atJoin: unknown = null;
    const first = client(h.feed, (chunk) => {
      if (!chunk.startsWith('event: end') || atJoin) return;
      // The first chunk has the end; the other streams are still waiting for theirs.
      const late = client(h.feed);
      h.feed.add(late.stream);
      atJoin = { events: late.events(), calls: { ...late.calls } };
    });
    const clients = [first, ...Array.from({ length: 199 }, () => client(h.feed))];
    for (const c of clients) h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(300);
    h.set(job(100, ImportStatus.Completed));
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(atJoin).toEqual({ events: [{ event: 'end', processed: 100 }], calls: { ended: 1, closed: 1 } });
    expect(clients.filter((c) => c.calls.ended === 1)).toHaveLength(200);
    expect(h.calls.load).toBe(2); // the late stream needed no reload
    expect(h.feed.isClosed).toBe(true);
  });

  it('reloads for a newer state only once every stream has the one before', async () => {
    const h = harness(job(0), 0);
    const hasTen = (chunk: string) => chunk.includes('"processedItems":10,');
    let loadsWhenAllHadTen = 0;
    const first = client(h.feed, (chunk) => {
      if (!hasTen(chunk)) return;
      h.set(job(20)); // notified while the other streams do not have 10 yet
      h.feed.notify();
    });
    const last = client(h.feed, (chunk) => {
      if (hasTen(chunk)) loadsWhenAllHadTen = h.calls.load;
    });
    const clients = [first, ...Array.from({ length: 198 }, () => client(h.feed)), last];
    for (const c of clients) h.feed.add(c.stream);
    await jest.advanceTimersByTimeAsync(10);
    h.set(job(10));
    h.feed.notify();
    await jest.advanceTimersByTimeAsync(10);
    expect({ loadsWhenAllHadTen, loads: h.calls.load }).toEqual({ loadsWhenAllHadTen: 2, loads: 3 });
    for (const c of clients) expect(c.events().map((e) => e.processed)).toEqual([0, 10, 20]);
    h.feed.close();
  });
});
