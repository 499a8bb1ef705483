import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP relay on loopback in front of a real dependency (PostgreSQL, Redis, the S3 server). `block()`
 * closes its port and cuts its open connections, which is exactly "the dependency is at a closed
 * port"; `unblock()` listens on the same port again, so the app under test must recover by itself.
 */
export class TcpRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async open(): Promise<this> {
    const server = createServer((inbound) => {
      const outbound = connect(Number(this.target.port), this.target.hostname);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
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
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async unblock(): Promise<this> {
    return this.server ? this : this.open();
  }
}
