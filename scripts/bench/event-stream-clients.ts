/**
 * The body of the event-stream clients' thread (see openEventStreams): N Server-Sent Events clients
 * of one import, each its own connection. Told `stop`, it waits (at most the time given) for the
 * streams to end, closes what is left and posts its counts.
 */
import { Agent, IncomingMessage, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { StreamStats } from './event-streams';

export interface ClientsData {
  url: string;
  headers: Record<string, string>;
  n: number;
}

export type FromClients = { type: 'opened'; openSeconds: number } | { type: 'stopped'; stats: StreamStats };

const { url, headers, n } = workerData as ClientsData;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const stats: StreamStats = { requested: n, opened: 0, refused: {}, ended: 0, events: 0, openSeconds: 0 };
const responses: IncomingMessage[] = [];
const closed: Promise<void>[] = [];
const answered: Promise<void>[] = [];
const started = performance.now();
const refuse = (kind: string) => (stats.refused[kind] = (stats.refused[kind] ?? 0) + 1);
const post = (message: FromClients) => parentPort!.postMessage(message);

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

void Promise.all(answered).then(() => {
  stats.openSeconds = (performance.now() - started) / 1000;
  post({ type: 'opened', openSeconds: stats.openSeconds });
});

parentPort!.on('message', (message: { type: 'stop'; timeoutMs: number }) => {
  void (async () => {
    await Promise.all(answered);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((r) => (timer = setTimeout(r, message.timeoutMs))),
    ]);
    clearTimeout(timer);
    for (const res of responses) res.destroy();
    agent.destroy();
    post({ type: 'stopped', stats });
    parentPort!.close();
  })();
});
