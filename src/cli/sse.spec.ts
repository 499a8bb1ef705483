import fc from 'fast-check';
import { parseSse, SseEvent } from './sse';

async function parse(...chunks: string[]): Promise<SseEvent[]> {
  async function* source() {
    for (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
  }
  const events: SseEvent[] = [];
  for await (const event of parseSse(source())) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('reads named events with their data and ignores comments', async () => {
    expect(await parse('event: progress\ndata: {"a":1}\n\n: ping\n\nevent: end\ndata: {"a":2}\n\n')).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'end', data: '{"a":2}' },
    ]);
  });

  it('reassembles events split anywhere across chunks, with any line ending', async () => {
    expect(
      await parse('event: pro', 'gress\r', '\ndata:{"a":', '1}\r\n\r', '\ndata: x\ndata: y\r\r'),
    ).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'message', data: 'x\ny' },
    ]);
  });

  it('does not dispatch an event cut off before its blank line', async () => {
    expect(await parse('event: end\ndata: {"a":2}\n')).toEqual([]);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const bytes = Buffer.from('data: é\n\n', 'utf8');
    async function* source() {
      yield bytes.subarray(0, 7);
      yield bytes.subarray(7);
    }
    const events: SseEvent[] = [];
    for await (const event of parseSse(source())) events.push(event);
    expect(events).toEqual([{ event: 'message', data: 'é' }]);
  });
});

describe('parseSse on generated streams', () => {
  const eol = fc.constantFrom('\n', '\r\n');
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', ' ', ':', '{', '"'), maxLength: 12 });
  const event = fc.record({
    event: fc.option(fc.constantFrom('progress', 'end', 'x'), { nil: undefined }),
    lines: fc.array(text, { minLength: 1, maxLength: 3 }),
    extras: fc.subarray([': ping', 'id: 7', 'retry: 1500', 'retry: soon', 'unknown: field', 'data']),
  });

  type Generated = { event?: string; lines: string[]; extras: string[] };

  function serialize(events: Generated[], ends: string[]): string {
    let i = 0;
    const end = () => ends[i++ % ends.length];
    let out = '';
    for (const e of events) {
      for (const extra of e.extras) if (extra !== 'data') out += extra + end();
      if (e.event) out += `event: ${e.event}` + end();
      for (const line of e.lines) out += `data: ${line}` + end();
      // A "data" line without a colon adds an empty data line.
      if (e.extras.includes('data')) out += 'data' + end();
      out += end();
    }
    return out;
  }

  it('gives the same events however the bytes are split and whatever the line endings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 5 }),
        // Lone \r endings are not mixed with others: \r then \n would read as one \r\n.
        fc.oneof(fc.constant<string[]>(['\r']), fc.array(eol, { minLength: 1, maxLength: 4 })),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (events, ends, cuts) => {
          const bytes = Buffer.from(serialize(events, ends), 'utf8');
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...at, bytes.length]
            .slice(1)
            .map((to, k, all) => bytes.subarray(k ? all[k - 1] : 0, to));
          async function* source() {
            for (const piece of [bytes.subarray(0, 0), ...pieces]) yield piece;
          }
          const parsed: SseEvent[] = [];
          for await (const e of parseSse(source())) parsed.push(e);
          expect(parsed).toEqual(
            events.map((e) => ({
              event: e.event ?? 'message',
              data: [...e.lines, ...(e.extras.includes('data') ? [''] : [])].join('\n'),
            })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops with an error on a line or event that never ends, at any size past the bound', async () => {
    for (const [shape, size] of [
      ['line', 64],
      ['line', 1000],
      ['event', 64],
      ['event', 1000],
    ] as const) {
      async function* source() {
        for (let sent = 0; sent < size * 4; sent += 16)
          yield Buffer.from(shape === 'line' ? 'x'.repeat(16) : 'data: 0123456789\n'.slice(0, 16));
      }
      const run = async () => {
        for await (const _ of parseSse(source(), size));
      };
      await expect(run()).rejects.toThrow(/event stream/);
    }
  });
});
