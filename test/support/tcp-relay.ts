import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

interface Pair {
  inbound: Socket;
  outbound?: Socket;
}

/**
 * A TCP relay on loopback in front of a real dependency (PostgreSQL, Redis, the S3 server).
 *
 * - `block()` closes its port and cuts its open connections, which is exactly "the dependency is at a
 *   closed port"; `unblock()` listens on the same port again.
 * - `blackHole()` keeps every connection open and keeps accepting new ones, but forwards nothing in
 *   either direction: a dependency that hangs, or a network that drops packets. Bytes sent meanwhile
 *   wait in the socket buffers, as TCP keeps retransmitting them; `forward()` delivers them and goes
 *   on relaying, like a healed partition.
 *
 * Either way the app under test must recover by itself.
 */
export class TcpRelay {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private holding = false;
  port = 0;

  constructor(private readonly target: URL) {}

  async open(): Promise<this> {
    const server = createServer((inbound) => {
      const pair: Pair = { inbound };
      this.pairs.add(pair);
      const cut = () => {
        this.pairs.delete(pair);
        inbound.destroy();
        pair.outbound?.destroy();
      };
      inbound.on('close', cut);
      inbound.on('error', cut);
      if (this.holding) inbound.pause();
      else this.connectOut(pair, cut);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Rewrites a URL of the target so that it goes through the relay. */
  via(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString().replace(/\/$/, '');
  }

  async block(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.holding = false;
    for (const pair of [...this.pairs]) {
      pair.inbound.destroy();
      pair.outbound?.destroy();
    }
    this.pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async unblock(): Promise<this> {
    this.forward();
    return this.server ? this : this.open();
  }

  /** Stops forwarding, keeping every connection open (see the class comment). */
  blackHole(): void {
    this.holding = true;
    for (const { inbound, outbound } of this.pairs) {
      inbound.unpipe();
      inbound.pause();
      outbound?.unpipe();
      outbound?.pause();
    }
  }

  /** Forwards again, first what waited, then as before. */
  forward(): void {
    if (!this.holding) return;
    this.holding = false;
    for (const pair of this.pairs) {
      if (!pair.outbound) this.connectOut(pair, () => pair.inbound.destroy());
      else this.pipe(pair);
    }
  }

  private connectOut(pair: Pair, cut: () => void): void {
    const outbound = connect(Number(this.target.port), this.target.hostname);
    pair.outbound = outbound;
    outbound.on('close', cut);
    outbound.on('error', cut);
    this.pipe(pair);
  }

  private pipe({ inbound, outbound }: Pair): void {
    if (!outbound) return;
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
