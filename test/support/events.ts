import { parseSse } from '../../src/cli/sse';
import type { JobBody } from './imports';

export interface ReceivedEvent {
  event: string;
  job: JobBody;
  /** ms since the stream was opened */
  at: number;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  /** Resolves when the server closes the stream, with every event received. */
  done: Promise<ReceivedEvent[]>;
  /** The events received so far. */
  events: ReceivedEvent[];
  /** Comment lines received (": ping"). */
  comments: number;
  abort(): void;
}

/** Opens GET /api/service-imports/{code}/events with fetch and reads it as a client would. */
export async function openEvents(
  baseUrl: string,
  code: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<EventStream> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const opened = Date.now();
  const res = await fetch(`${baseUrl}/api/service-imports/${code}/events`, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const stream: EventStream = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events: [],
    comments: 0,
    abort: () => abort.abort(),
    done: Promise.resolve([]),
  };
  if (res.status !== 200) {
    clearTimeout(timer);
    stream.done = res.text().then(() => []);
    return stream;
  }
  stream.done = (async () => {
    try {
      for await (const e of parseSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        stream.events.push({ event: e.event, job: JSON.parse(e.data) as JobBody, at: Date.now() - opened });
      }
      return stream.events;
    } finally {
      clearTimeout(timer);
    }
  })();
  return stream;
}
