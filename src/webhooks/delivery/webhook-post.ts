import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from '../webhook-target';

/** The most of an answer kept (and read): enough to show a receiver's error, not a page of HTML. */
export const MAX_KEPT_ANSWER_BYTES = 1024;

export interface PostOutcome {
  /** The answer's status, or null when there was none (timeout, connection error). */
  statusCode: number | null;
  durationMs: number;
  /** Why the attempt failed, when it did (a non-2xx answer included). */
  error: string | null;
  /** The first MAX_KEPT_ANSWER_BYTES of the answer's body. */
  responseBody: string | null;
}

/**
 * One POST to a resolved target. It connects to the checked address only (the `lookup` below
 * answers with it, whatever the name), sends the name as Host and TLS SNI, follows no redirect (a
 * 3xx is a failed attempt like any non-2xx), reads at most 1 KB of the answer and gives up after
 * `timeoutMs` in all, connection included.
 */
export function postJson(
  target: ResolvedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  const started = Date.now();
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...outcome, durationMs: Date.now() - started });
    };
    const req = send(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          const statusCode = res.statusCode ?? null;
          const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
          finish({
            statusCode,
            error: ok ? null : `answered ${statusCode}`,
            responseBody: Buffer.concat(chunks).toString('utf8'),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (kept < MAX_KEPT_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_KEPT_ANSWER_BYTES - kept));
          kept += chunk.length;
          if (kept >= MAX_KEPT_ANSWER_BYTES) done(); // the rest is not read
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(
      () => finish({ statusCode: null, error: `no answer within ${timeoutMs} ms`, responseBody: null }),
      timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ statusCode: null, error: error.code ?? error.message, responseBody: null }),
    );
    req.end(body);
  });
}
