// UTF-16 (after its byte-order mark) to text, refusing what it cannot decode instead of replacing it.

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-16 (LE or BE, BOM already removed) to text, chunk by chunk. Unlike a lenient decoder it reports
 * an odd trailing byte and unpaired surrogates instead of dropping or passing them on.
 */
export class Utf16Decoder {
  private oddByte: number | null = null;
  private highSurrogate = '';
  private bad: string | null = null;

  constructor(private readonly bigEndian: boolean) {}

  /** Why the input is not valid UTF-16, or null. */
  get problem(): string | null {
    return this.bad;
  }

  write(chunk: Buffer): string {
    if (chunk.length === 0) return '';
    let bytes = chunk;
    if (this.oddByte !== null) {
      bytes = Buffer.allocUnsafe(chunk.length + 1);
      bytes[0] = this.oddByte;
      chunk.copy(bytes, 1);
      this.oddByte = null;
    }
    const even = bytes.length & ~1;
    if (even < bytes.length) this.oddByte = bytes[even];
    let units = bytes.subarray(0, even);
    if (this.bigEndian) units = Buffer.from(units).swap16();
    let text = this.highSurrogate + units.toString('utf16le');
    this.highSurrogate = '';
    const last = text.length > 0 ? text.charCodeAt(text.length - 1) : 0;
    if (last >= 0xd800 && last <= 0xdbff) {
      this.highSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (this.bad === null && LONE_SURROGATE.test(text)) {
      this.bad = 'it contains an unpaired UTF-16 surrogate (a damaged character)';
    }
    return text;
  }

  end(): string {
    if (this.bad === null && this.oddByte !== null) this.bad = 'it ends in the middle of a UTF-16 character';
    if (this.bad === null && this.highSurrogate !== '') {
      this.bad = 'it contains an unpaired UTF-16 surrogate (a damaged character)';
    }
    this.oddByte = null;
    this.highSurrogate = '';
    return '';
  }
}
