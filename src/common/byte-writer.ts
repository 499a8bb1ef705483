/**
 * Appends text to a growing byte buffer as UTF-8. Batch data built row by row lives here, off the
 * JavaScript heap, instead of as thousands of strings that would outlive young-generation GCs; the
 * result is one ArrayBuffer that can be transferred to another thread without a copy.
 */
export class ByteWriter {
  private bytes: Buffer;
  private used = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = ByteWriter.allocate(initialBytes);
  }

  get length(): number {
    return this.used;
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = text.length * 3;
    if (this.used + room > this.bytes.length) this.grow(this.used + room);
    this.used += this.bytes.write(text, this.used, 'utf8');
  }

  /** Bytes `start` to `end` of `source` (all of it by default), as they are. */
  writeBytes(source: Uint8Array, start = 0, end = source.length): void {
    const length = end - start;
    if (this.used + length > this.bytes.length) this.grow(this.used + length);
    this.bytes.set(start === 0 && end === source.length ? source : source.subarray(start, end), this.used);
    this.used += length;
  }

  /** A non-negative integer in decimal, without making a string of it. */
  writeUint(value: number): void {
    if (this.used + 16 > this.bytes.length) this.grow(this.used + 16);
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let i = this.used + digits - 1, rest = value; i >= this.used; i--, rest = Math.floor(rest / 10)) {
      this.bytes[i] = 48 + (rest % 10);
    }
    this.used += digits;
  }

  /** The bytes written, in a buffer of their own (the writer starts a new one). */
  take(): Uint8Array {
    const out = new Uint8Array(this.used);
    out.set(this.bytes.subarray(0, this.used));
    this.used = 0;
    return out;
  }

  private grow(needed: number): void {
    const next = ByteWriter.allocate(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
  }

  /** Never from Buffer's shared pool: a pooled buffer must not be transferred. */
  private static allocate(size: number): Buffer {
    return Buffer.from(new ArrayBuffer(size));
  }
}
