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

  writeBytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.bytes.length) this.grow(this.used + bytes.length);
    this.bytes.set(bytes, this.used);
    this.used += bytes.length;
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
