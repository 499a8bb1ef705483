/** One Server-Sent Event: the `event:` name (default "message") and its `data:` lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Parses a text/event-stream (https://html.spec.whatwg.org/multipage/server-sent-events.html) from
 * a stream of byte chunks: `event:` and `data:` fields, comment lines (": ping") ignored, an event
 * dispatched at each blank line. `id:` and `retry:` are not needed by the CLI and are ignored.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const line = (text: string): SseEvent | null => {
    if (text === '') {
      const dispatched = data.length > 0 ? { event: event || 'message', data: data.join('\n') } : null;
      event = '';
      data = [];
      return dispatched;
    }
    if (text.startsWith(':')) return null;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    return null;
  };
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((end = lineEnd.exec(buffer)) !== null) {
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (end[0] === '\r' && end.index === buffer.length - 1) break;
      const dispatched = line(buffer.slice(start, end.index));
      start = end.index + end[0].length;
      if (dispatched) yield dispatched;
    }
    buffer = buffer.slice(start);
  }
  // The stream ended: a pending lone \r ends its line. A final event without its blank line was cut
  // off, and is not dispatched (as in browsers).
  const rest = (buffer + decoder.decode()).split(/\r\n|\r|\n/);
  for (const text of rest.slice(0, -1)) {
    const dispatched = line(text);
    if (dispatched) yield dispatched;
  }
}
