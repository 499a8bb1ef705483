// An idle keep-alive connection outlasts the 60 s idle timeout of common load balancers, so a request
// they send on it just as Node would have closed it (after its default 5 s) is never lost.
import { connect, Socket } from 'node:net';
import { createTestApp, TestApp } from './support/test-app';

function request(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const onData = (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer);
      if (end >= 0 && length && answer.length >= end + 4 + Number(length[1])) {
        socket.off('data', onData);
        resolve(answer);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`connection closed after: ${JSON.stringify(answer)}`)));
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  });
}

describe('HTTP keep-alive (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('keeps an idle connection open longer than Node’s 5 s default and answers on it again', async () => {
    const port = Number(new URL(t.baseUrl).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    try {
      expect(await request(socket)).toMatch(/^HTTP\/1\.1 200 /);
      expect((await request(socket)).toLowerCase()).toContain('keep-alive: timeout=65');
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(await request(socket)).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      socket.destroy();
    }
  });
});
