import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';

/** One Server-Sent Event: the `event:` name (default "message") and its `data:` lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * The most a line or an event not yet ended may hold (characters): the service's events are one
 * job's JSON, far below this; a stream that never ends its line or event stops with an error.
 */
export const MAX_SSE_BUFFER = 1 << 20;

/**
 * Parses a text/event-stream (https://html.spec.whatwg.org/multipage/server-sent-events.html) from a
 * stream of byte chunks with eventsource-parser: any line ending, comments ignored, an event dispatched
 * at each blank line. `id:` and `retry:` are not needed by the CLI and are dropped. A final event
 * without its blank line was cut off, and is not dispatched (as in browsers).
 */
export async function* parseSse(
  chunks: AsyncIterable<Uint8Array>,
  maxBufferSize = MAX_SSE_BUFFER,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  let failure: ParseError | undefined;
  const parser = createParser({
    maxBufferSize,
    onEvent: (message: EventSourceMessage) =>
      ready.push({ event: message.event || 'message', data: message.data }),
    onError: (error: ParseError) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= error;
    },
  });
  let last = '';
  const feed = function* (text: string): Generator<SseEvent> {
    if (text) last = text;
    parser.feed(text);
    if (failure) throw new Error(`event stream: ${failure.message}`);
    yield* ready.splice(0);
  };
  for await (const chunk of chunks) yield* feed(decoder.decode(chunk, { stream: true }));
  yield* feed(decoder.decode());
  // The parser keeps a final \r, which may be the first half of \r\n; at the end it ends its line.
  if (last.endsWith('\r')) yield* feed('\n');
}
