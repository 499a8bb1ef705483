/**
 * N Server-Sent Events clients of one import, each its own connection, held open while the import
 * runs: what a dashboard left open in many browsers costs the service. Each counts the events it
 * receives and ends when the server closes its stream (after `event: end`).
 */
import Queue from 'bull';
import { Agent, IncomingMessage, request } from 'node:http';

export interface StreamStats {
  requested: number;
  /** Streams answered 200 text/event-stream. */
  opened: number;
  /** Streams refused (not 200) or failed to connect, by status or error code. */
  refused: Record<string, number>;
  /** Streams that received `event: end` before the server closed them. */
  ended: number;
  events: number;
  /** From the first request to the last stream's answer. */
  openSeconds: number;
}

export interface EventStreams {
  /** Resolves once every stream has been answered (or refused). */
  opened: Promise<void>;
  /** Waits (at most `timeoutMs`) for the streams to end, closes what is left, and counts. */
  stop(timeoutMs: number): Promise<StreamStats>;
}

export function openEventStreams(url: string, headers: Record<string, string>, n: number): EventStreams {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const stats: StreamStats = { requested: n, opened: 0, refused: {}, ended: 0, events: 0, openSeconds: 0 };
  const responses: IncomingMessage[] = [];
  const closed: Promise<void>[] = [];
  const answered: Promise<void>[] = [];
  const started = performance.now();
  const refuse = (kind: string) => (stats.refused[kind] = (stats.refused[kind] ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    let done: () => void = () => undefined;
    closed.push(new Promise<void>((r) => (done = r)));
    answered.push(
      new Promise<void>((answer) => {
        const req = request(url, { agent, headers: { ...headers, Accept: 'text/event-stream' } }, (res) => {
          answer();
          if (res.statusCode !== 200) {
            refuse(String(res.statusCode));
            res.resume();
            res.on('end', done);
            return;
          }
          stats.opened++;
          responses.push(res);
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            const frames = (buffer + chunk).split('\n\n');
            buffer = frames.pop() ?? '';
            for (const frame of frames) {
              if (!frame.startsWith('event: ')) continue; // a ": ping" comment
              stats.events++;
              if (frame.startsWith('event: end\n')) stats.ended++;
            }
          });
          res.on('close', done);
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          refuse(error.code ?? 'error');
          answer();
          done();
        });
        req.end();
      }),
    );
  }
  const opened = Promise.all(answered).then(() => {
    stats.openSeconds = (performance.now() - started) / 1000;
  });
  return {
    opened,
    stop: async (timeoutMs) => {
      await opened;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      for (const res of responses) res.destroy();
      agent.destroy();
      return stats;
    },
  };
}

/**
 * Pauses the service's import queue (Bull's global pause, in Redis: workers take no new job) until
 * `release`, so the streams can be opened on a job that has not started.
 */
export async function holdImportQueue(
  redisUrl: string,
  prefix: string,
): Promise<{ release(): Promise<void> }> {
  const queue = new Queue('service-imports', redisUrl, { prefix });
  await queue.pause();
  return {
    release: async () => {
      await queue.resume();
      await queue.close();
    },
  };
}
