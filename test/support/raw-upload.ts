import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';

/**
 * Uploads over a raw TCP socket, for the ways an upload ends that an HTTP client library will not
 * produce: a multipart body cut before its closing boundary, a client that vanishes mid-body, one that
 * stalls. Every request says `Connection: close`, so the server's answer ends with the connection.
 */

/** How the client ends its side. */
export type Ending =
  /** The whole body, then wait for the answer. */
  | 'complete'
  /** Chunked: the file part, then the last chunk without the closing boundary (a body cut short). */
  | 'cut'
  /** Content-Length of the whole body, send part of it, then destroy the socket (client gone). */
  | 'destroy'
  /** Content-Length of the whole body, send part of it, then wait for the server to give up. */
  | 'stall';

export interface RawUpload {
  port: number;
  content: Buffer;
  /** Sent as raw bytes of its UTF-8 form, as browsers and curl do. */
  fileName?: string;
  ending: Ending;
  headers?: Record<string, string>;
}

export interface RawAnswer {
  /** null when the connection ended without an answer. */
  status: number | null;
  body: string;
}

export function multipartParts(fileName: string, content: Buffer) {
  const boundary = `----raw${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      `Content-Type: text/csv\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { boundary, head, content, tail };
}

export async function rawUpload(options: RawUpload): Promise<RawAnswer> {
  const { boundary, head, content, tail } = multipartParts(options.fileName ?? 'upload.csv', options.content);
  const fullLength = head.length + content.length + tail.length;
  const extra = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
  const framing =
    options.ending === 'cut' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${fullLength}\r\n`;
  const requestHead =
    `POST /api/service-imports HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\nConnection: close\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\n${framing}${extra.join('')}\r\n`;

  const socket = connect(options.port, '127.0.0.1');
  // A bound, so that a server that never answers fails the test instead of hanging it.
  socket.setTimeout(60_000, () => socket.destroy());
  const answer = collectAnswer(socket);
  await write(socket, Buffer.from(requestHead));
  switch (options.ending) {
    case 'complete':
      await write(socket, Buffer.concat([head, content, tail]));
      break;
    case 'cut': {
      const part = Buffer.concat([head, content]);
      await write(socket, Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part]));
      await write(socket, Buffer.from('\r\n0\r\n\r\n'));
      break;
    }
    case 'destroy':
      await write(socket, Buffer.concat([head, content.subarray(0, Math.ceil(content.length / 2))]));
      // Let the server start on what it got; whether it got all of it matters not.
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.destroy();
      break;
    case 'stall':
      await write(socket, Buffer.concat([head, content.subarray(0, Math.ceil(content.length / 2))]));
      break;
  }
  return answer;
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    // A server that answered and closed early makes the write fail; the answer says what happened.
    socket.write(data, () => resolve());
  });
}

function collectAnswer(socket: Socket): Promise<RawAnswer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined); // a reset after the answer is the server closing: fine
  return new Promise((resolve) => {
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({
        status: status ? Number(status[1]) : null,
        body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
      });
    });
  });
}
