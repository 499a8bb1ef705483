import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * The README's verification example, copied as it is written there (section "Webhooks"), so the
 * specs verify deliveries exactly as a receiver following the README would.
 */
export function verifyWebhook(
  rawBody: string,
  signatureHeader: string,
  secret: string,
  toleranceSeconds = 300,
) {
  const parts = signatureHeader.split(',').map((part) => part.split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  const valid = parts.some(
    ([key, value]) =>
      key === 'v1' &&
      value.length === expected.length &&
      timingSafeEqual(Buffer.from(value), Buffer.from(expected)),
  );
  const fresh = Math.abs(Date.now() / 1000 - timestamp) <= toleranceSeconds; // rejects replays
  return valid && fresh;
}

export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: { id: string; type: string; created: number; data: Record<string, unknown> };
}

/** An answer: a status (body "answer <status>"), a full answer, or none at all (a hung endpoint). */
export type Answer = number | 'hang' | { status: number; body: string; headers?: Record<string, string> };

/** What the receiver does with a request. */
export type Respond = (received: ReceivedWebhook, countOnPath: number) => Answer;

/** A webhook endpoint on loopback (node:http) that records every request it gets. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: Respond = () => 200;
  private readonly hung: ServerResponse[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const received = { path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) };
        receiver.received.push(received);
        const answer = receiver.respond(received, receiver.on(received.path).length);
        if (answer === 'hang') receiver.hung.push(res);
        else if (typeof answer === 'number') {
          res.writeHead(answer, { 'Content-Type': 'text/plain' }).end(`answer ${answer}`);
        } else
          res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `count` requests reached `path`. */
  async waitFor(path: string, count: number, timeoutMs = 60_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.on(path).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`${path} received ${this.on(path).length} of ${count} requests in ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.on(path);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
