import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { postJson } from './webhook-post';

describe('postJson', () => {
  let server: Server;
  let port: number;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(201).end('y'.repeat(3000)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('connects to the checked address only, whatever the name resolves to (no second DNS lookup)', async () => {
    // `.invalid` never resolves (RFC 2606): reaching the server proves the pinned address was used.
    const target = {
      url: new URL(`http://rebind.invalid:${port}/hook`),
      address: '127.0.0.1',
      family: 4 as const,
    };
    const outcome = await postJson(target, '{"a":1}', { 'Content-Type': 'application/json' }, 5000);
    expect(outcome).toMatchObject({ statusCode: 201, error: null });
    expect(outcome.responseBody).toBe('y'.repeat(1024));
    expect(seen.at(-1)).toMatchObject({ host: `rebind.invalid:${port}`, 'content-length': '7' });
  });

  it('reports a connection error without a status', async () => {
    const closed = { url: new URL('http://127.0.0.1:1/hook'), address: '127.0.0.1', family: 4 as const };
    const outcome = await postJson(closed, '{}', {}, 5000);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });
});
