import { ByteWriter } from './byte-writer';

describe('ByteWriter', () => {
  it('appends UTF-8 and grows past its first buffer', () => {
    const w = new ByteWriter(4);
    const parts = ['ab', 'é', '€ and 😀', 'x'.repeat(1000)];
    for (const p of parts) w.write(p);
    expect(w.length).toBe(Buffer.byteLength(parts.join('')));
    expect(Buffer.from(w.take()).toString('utf8')).toBe(parts.join(''));
  });

  it('appends bytes as they are, text and bytes mixed', () => {
    const w = new ByteWriter(4);
    w.write('a');
    w.writeBytes(Buffer.from('ü€😀'.repeat(10)));
    w.write('z');
    expect(Buffer.from(w.take()).toString('utf8')).toBe('a' + 'ü€😀'.repeat(10) + 'z');
  });

  it('writes byte ranges and decimal integers without strings', () => {
    const w = new ByteWriter(2);
    const source = Buffer.from('0123456789');
    w.writeBytes(source, 2, 5);
    for (const n of [0, 7, 10, 99, 1234567890, 2 ** 32 - 1]) {
      w.write(' ');
      w.writeUint(n);
    }
    expect(Buffer.from(w.take()).toString()).toBe('234 0 7 10 99 1234567890 4294967295');
  });

  it('hands out a buffer of its own on take(), transferable, and starts over', () => {
    const w = new ByteWriter();
    w.write('first');
    const first = w.take();
    w.write('second');
    const second = w.take();
    expect(Buffer.from(first).toString()).toBe('first');
    expect(Buffer.from(second).toString()).toBe('second');
    expect(first.byteLength).toBe(first.buffer.byteLength); // exactly its bytes, nothing shared
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(first, [first.buffer]);
    expect(first.byteLength).toBe(0); // moved, not copied
    port1.close();
    port2.close();
  });
});
