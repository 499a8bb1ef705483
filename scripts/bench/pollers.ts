/**
 * Concurrent pollers of GET /api/service-imports/{code} while the import runs in the same process:
 * started after the 202, stopped when the job ends.
 *
 * Each poller is one keep-alive connection. At a rate R it models a UI refreshing every 1/R s: its
 * first request goes out at a random moment of the first period (independent clients are not in
 * step), then one request per period. Latency is measured from the moment a request was due, not
 * from when it was sent, so a slow answer that delays the next request counts against the service
 * too (no coordinated omission). At rate 0 each poller sends its next request as soon as the last
 * one is answered (closed loop: a stress test, not a UI).
 *
 * (autocannon's per-connection rate was used before: it sends each second's requests back to back
 * at the start of the second, so 20 connections at 4/s measured 20-deep bursts, not pollers.)
 */
import { Agent, request } from 'node:http';

export interface PollerStats {
  connections: number;
  /** Requests per second per connection; 0 = as fast as the service answers. */
  rate: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Failed requests by error code (ECONNRESET, timeout, ...), so a failure can be told apart. */
  errorKinds: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

export interface Pollers {
  stop(): Promise<PollerStats>;
}

const REQUEST_TIMEOUT_MS = 30_000;

export function startPollers(
  url: string,
  headers: Record<string, string>,
  connections: number,
  rate: number,
): Pollers {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const counts = { non2xx: 0, errors: 0 };
  const errorKinds: Record<string, number> = {};
  const failed = (error: Error & { code?: string }) => {
    counts.errors++;
    const kind = error.code ?? error.message;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  let stopped = false;
  let wakeAll: (() => void)[] = [];

  const sleepUntil = (at: number) =>
    new Promise<void>((resolve) => {
      const delay = at - performance.now();
      if (delay <= 0 || stopped) return resolve();
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        wakeAll = wakeAll.filter((w) => w !== done);
        resolve();
      }
      wakeAll.push(done);
    });

  /** Resolves true when an answer came back in full (any status), false on a failed request. */
  const get = () =>
    new Promise<boolean>((resolve) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, headers, agent },
        (res) => {
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) counts.non2xx++;
          res.resume();
          res.on('end', () => resolve(true));
          res.on('error', (error) => {
            failed(error);
            resolve(false);
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        failed(error);
        resolve(false);
      });
      req.end();
    });

  const period = rate > 0 ? 1000 / rate : 0;
  const poller = async () => {
    let due = performance.now() + Math.random() * period;
    await sleepUntil(due);
    while (!stopped) {
      if (period === 0) due = performance.now();
      // A failed request is counted in errors, not as a (fast) latency.
      if (await get()) latencies.push(performance.now() - due);
      if (period > 0) {
        due += period;
        await sleepUntil(due);
      }
    }
  };
  const running = Promise.all(Array.from({ length: connections }, poller));

  return {
    stop: async () => {
      stopped = true;
      for (const wake of wakeAll) wake();
      await running;
      agent.destroy();
      const sorted = latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        sorted.length === 0 ? 0 : Math.round(sorted[Math.ceil(q * sorted.length) - 1]);
      return {
        connections,
        rate,
        requests: sorted.length,
        non2xx: counts.non2xx,
        errors: counts.errors,
        errorKinds,
        p50: at(0.5),
        p99: at(0.99),
        max: at(1),
      };
    },
  };
}
