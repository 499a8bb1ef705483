/**
 * Concurrent pollers of GET /api/service-imports/{code} while the import runs in the same process,
 * driven by autocannon: started after the 202, stopped when the job ends.
 */
import autocannon from 'autocannon';

export interface PollerStats {
  connections: number;
  /** Requests per second per connection; 0 = as fast as the service answers. */
  rate: number;
  requests: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Pollers {
  stop(): Promise<PollerStats>;
}

export function startPollers(
  url: string,
  headers: Record<string, string>,
  connections: number,
  rate: number,
): Pollers {
  let finished!: (stats: PollerStats) => void;
  let failed!: (error: Error) => void;
  const done = new Promise<PollerStats>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url,
      headers,
      connections,
      connectionRate: rate > 0 ? rate : undefined,
      duration: 24 * 3600, // stopped explicitly when the job ends
      timeout: 30,
    },
    (error, result) => {
      if (error) return failed(error as Error);
      finished({
        connections,
        rate,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
      });
    },
  );
  return {
    stop: () => {
      instance.stop();
      return done;
    },
  };
}
