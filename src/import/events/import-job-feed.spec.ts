import { ServiceImportJobDto } from '../dto/service-import-job.dto';
import { ImportStatus } from '../import-status';
import { ImportEventStream } from './import-event-stream';

function job(processedItems: number, status = ImportStatus.InProgress): ServiceImportJobDto {
  return { code: 'c', status, processedItems, totalItems: 100 } as ServiceImportJobDto;
}

function harness(initial: ServiceImportJobDto) {
  let current = initial;
  const chunks: string[] = [];
  const calls = { load: 0, ended: 0, closed: 0 };
  const stream = new ImportEventStream(
    { write: (c) => chunks.push(c), end: () => calls.ended++ },
    {
      load: () => {
        calls.load++;
        return Promise.resolve(current);
      },
      onClose: () => calls.closed++,
    },
  );
  const events = () =>
    chunks
      .filter((c) => c.startsWith('event:'))
      .map((c) => {
        const [, event, data] = /^event: (\w+)\ndata: (.*)\n\n$/.exec(c)!;
        return { event, processed: (JSON.parse(data) as ServiceImportJobDto).processedItems };
      });
  return { stream, chunks, calls, events, set: (j: ServiceImportJobDto) => (current = j) };
}

describe('ImportEventStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the current state, then coalesces a burst of notifications into one reload per 250 ms', async () => {
    const h = harness(job(0));
    h.stream.start(job(0));
    h.set(job(10));
    for (let i = 0; i < 20; i++) h.stream.notify();
    await jest.advanceTimersByTimeAsync(249);
    expect(h.calls.load).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.calls.load).toBe(1);
    h.set(job(20));
    h.stream.notify();
    h.stream.notify();
    await jest.advanceTimersByTimeAsync(250);
    expect(h.calls.load).toBe(2);
    expect(h.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'progress', processed: 10 },
      { event: 'progress', processed: 20 },
    ]);
    h.stream.close();
  });

  it('skips a reload that changed nothing, and ends with the final state', async () => {
    const h = harness(job(0));
    h.stream.start(job(0));
    h.stream.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(h.calls.load).toBe(1);
    h.set(job(100, ImportStatus.Completed));
    h.stream.notify();
    await jest.advanceTimersByTimeAsync(300);
    expect(h.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'end', processed: 100 },
    ]);
    expect(h.calls).toMatchObject({ ended: 1, closed: 1 });
    h.stream.notify();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(h.calls.load).toBe(2); // closed: no more work, no heartbeat
    expect(h.chunks.filter((c) => c.startsWith(':'))).toEqual([]);
  });

  it('gives a job already final just the end event', () => {
    const h = harness(job(5, ImportStatus.Cancelled));
    h.stream.start(job(5, ImportStatus.Cancelled));
    expect(h.events()).toEqual([{ event: 'end', processed: 5 }]);
    expect(h.calls.ended).toBe(1);
  });

  it('sends a heartbeat comment every 15 s and looks again every 5 s without notifications', async () => {
    const h = harness(job(0));
    h.stream.start(job(0));
    h.set(job(50));
    await jest.advanceTimersByTimeAsync(15_000);
    expect(h.chunks.filter((c) => c === ': ping\n\n')).toHaveLength(1);
    expect(h.calls.load).toBeGreaterThanOrEqual(2); // at 5 s and 10 s
    expect(h.events()).toEqual([
      { event: 'progress', processed: 0 },
      { event: 'progress', processed: 50 },
    ]);
    h.stream.close();
    expect(h.calls.closed).toBe(1);
  });

  it('serves a notification that arrives during a reload once the reload is done', async () => {
    let release: (() => void) | null = null;
    const chunks: string[] = [];
    let current = job(1);
    let loads = 0;
    const stream = new ImportEventStream(
      { write: (c) => chunks.push(c), end: () => undefined },
      {
        load: async () => {
          loads++;
          const answer = current;
          await new Promise<void>((r) => (release = r));
          return answer;
        },
      },
    );
    stream.start(job(0));
    stream.notify();
    await jest.advanceTimersByTimeAsync(250);
    expect(loads).toBe(1);
    current = job(2);
    stream.notify();
    release!();
    await jest.advanceTimersByTimeAsync(250);
    expect(loads).toBe(2);
    release!();
    await jest.advanceTimersByTimeAsync(0);
    expect(chunks.filter((c) => c.startsWith('event:'))).toHaveLength(3);
    stream.close();
  });
});
