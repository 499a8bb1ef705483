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
