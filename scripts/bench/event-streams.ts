/**
 * N Server-Sent Events clients of one import, each its own connection, held open while the import
 * runs: what a dashboard left open in many browsers costs the service. Each counts the events it
 * receives and ends when the server closes its stream (after `event: end`).
 *
 * The clients run on a thread of their own (event-stream-clients.ts): reading 1,000 streams is
 * about 1.3 s of event-loop work in a 200,000-row run (the thread's event-loop utilisation),
 * which on the pollers' event loop held up their answers by up to 50-65 ms at a time
 * (monitorEventLoopDelay), and the poll latency must be the service's, as for browsers on other
 * machines. They still share the machine's CPU with the service.
 */
import Queue from 'bull';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClientsData, FromClients } from './event-stream-clients';

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
  const file = join(__dirname, 'event-stream-clients.ts');
  const data: ClientsData = { url, headers, n };
  // The benchmark runs under ts-node: the thread loads the .ts file the same way (transpile only).
  const worker = new Worker(
    `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`,
    { eval: true, workerData: data },
  );
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the event-stream clients' thread exited (${code})`)));
  });
  failed.catch(() => undefined);
  const next = (type: FromClients['type']) =>
    Promise.race([
      new Promise<FromClients>((resolve) => {
        const onMessage = (message: FromClients) => {
          if (message.type !== type) return;
          worker.off('message', onMessage);
          resolve(message);
        };
        worker.on('message', onMessage);
      }),
      failed,
    ]);
  const opened = next('opened').then(() => undefined);
  return {
    opened,
    stop: async (timeoutMs) => {
      await opened;
      const stopped = next('stopped');
      worker.postMessage({ type: 'stop', timeoutMs });
      const message = await stopped;
      await worker.terminate();
      if (message.type !== 'stopped') throw new Error(`unexpected ${message.type}`);
      return message.stats;
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
