import { ApiClient, Job } from './api-client';
import { parseSse } from './sse';

export const FINAL_STATUSES = ['Completed', 'Failed', 'Cancelled'];

export interface FollowOptions {
  /** Called with every new state of the job, the final one included. */
  onUpdate: (job: Job) => void;
  /** Told once when the event stream cannot be used and polling takes over. */
  onFallback?: (why: string) => void;
  pollMs?: number;
  /** No byte for this long (the server pings every 15 s) means the stream is dead. */
  idleMs?: number;
}

/**
 * Follows an import until it ends and returns its final state: live through the events stream, and
 * by polling GET /{code} (every second) if the stream cannot be opened or breaks off before the end.
 */
export async function followImport(client: ApiClient, code: string, options: FollowOptions): Promise<Job> {
  let why: string;
  try {
    const final = await followEvents(client, code, options);
    if (final) return final;
    why = 'the event stream closed before the import ended';
  } catch (error) {
    why = (error as Error).message;
  }
  options.onFallback?.(why);
  return poll(client, code, options);
}

async function followEvents(client: ApiClient, code: string, options: FollowOptions): Promise<Job | null> {
  const abort = new AbortController();
  const idleMs = options.idleMs ?? 45_000;
  let idle = setTimeout(() => abort.abort(), idleMs);
  const alive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), idleMs);
  };
  try {
    const res = await client.events(code, abort.signal);
    const body = res.body as unknown as AsyncIterable<Uint8Array>;
    async function* watched(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        alive();
        yield chunk;
      }
    }
    for await (const event of parseSse(watched())) {
      if (event.event !== 'progress' && event.event !== 'end') continue;
      const job = JSON.parse(event.data) as Job;
      options.onUpdate(job);
      if (event.event === 'end') return job;
    }
    return null;
  } catch (error) {
    if (abort.signal.aborted) throw new Error(`no event for ${Math.round(idleMs / 1000)} s`);
    throw error;
  } finally {
    clearTimeout(idle);
    abort.abort();
  }
}

async function poll(client: ApiClient, code: string, options: FollowOptions): Promise<Job> {
  for (;;) {
    const job = await client.get(code);
    options.onUpdate(job);
    if (FINAL_STATUSES.includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
