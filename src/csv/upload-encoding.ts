/**
 * What text an upload's bytes are, decided as they stream. The first bytes show a byte-order mark
 * (UTF-8, UTF-16) or a known binary format. Without a UTF-16 mark the content is UTF-8 until an
 * invalid sequence makes it Windows-1252, so that is only settled at the end; a NUL byte, or a byte
 * that neither encoding defines, refuses the file as soon as it is seen.
 */
import * as iconv from 'iconv-lite';
import { CsvEncoding, sniffBom } from './encoding/encoding';
import { SNIFF_BYTES, describeBinarySignature } from './encoding/signatures';
import { Utf8Validator, utf8CompleteLength } from './encoding/utf8';
import { indexOfUndefined1252 } from './encoding/windows-1252';
import { Utf16Decoder } from './encoding/utf16';
import {
  binaryFile,
  invalidUtf16,
  invalidUtf8AfterBom,
  neitherUtf8Nor1252,
  nulBytes,
} from './upload-rejections';

export class UploadEncoding {
  hasBom = false;
  /** The byte order a UTF-16 byte-order mark announced; null for 8-bit text (UTF-8 or Windows-1252). */
  utf16: 'utf-16le' | 'utf-16be' | null = null;

  private first: Buffer[] = [];
  private firstLength = 0;
  private sniffed = false;

  // 8-bit text: offsets count content bytes, after the byte-order mark.
  private readonly utf8 = new Utf8Validator();
  private contentOffset = 0;
  private undefined1252At = -1;
  private undefined1252Byte = 0;

  /** The reading the content so far allows. */
  get encoding(): CsvEncoding {
    return this.utf16 ?? (this.utf8.valid ? 'utf-8' : 'windows-1252');
  }

  /**
   * Takes the next bytes of the file; returns the content among them (without a byte-order mark),
   * checked, or null while the first bytes are still being gathered.
   */
  write(chunk: Buffer): Buffer | null {
    if (this.sniffed) {
      this.check(chunk);
      return chunk;
    }
    this.first.push(chunk);
    this.firstLength += chunk.length;
    return this.firstLength >= SNIFF_BYTES ? this.sniff() : null;
  }

  /** At the end of the file: the content still held back (a file shorter than SNIFF_BYTES), or null. */
  drain(): Buffer | null {
    return this.sniffed ? null : this.sniff();
  }

  /** After the last content: a UTF-8 sequence cut off by the end makes the file Windows-1252. */
  end(): void {
    if (this.utf16 !== null) return;
    const wasValid = this.utf8.valid;
    this.utf8.end();
    this.checkValidity(wasValid);
  }

  /** Content from its first byte, decoded as the encoding so far allows (an incomplete UTF-8 tail left out). */
  decode(bytes: Buffer): string {
    if (this.utf16 !== null) return utf16Text(new Utf16Decoder(this.utf16 === 'utf-16be'), bytes);
    if (this.utf8.valid) return bytes.toString('utf8', 0, utf8CompleteLength(bytes));
    return iconv.decode(bytes, 'windows-1252');
  }

  private sniff(): Buffer {
    const start = Buffer.concat(this.first);
    this.first = [];
    this.sniffed = true;
    const bom = sniffBom(start);
    if (bom === null) {
      const binary = describeBinarySignature(start);
      if (binary !== null) throw binaryFile(binary);
      this.check(start);
      return start;
    }
    this.hasBom = true;
    if (bom.encoding !== 'utf-8') this.utf16 = bom.encoding;
    const content = start.subarray(bom.bomLength);
    this.check(content);
    return content;
  }

  private check(bytes: Buffer): void {
    if (this.utf16 !== null) return; // checked as it is decoded (utf16Text)
    if (bytes.indexOf(0) >= 0) throw nulBytes();
    const wasValid = this.utf8.valid;
    this.utf8.write(bytes);
    if (this.undefined1252At < 0) {
      const at = indexOfUndefined1252(bytes);
      if (at >= 0) {
        this.undefined1252At = this.contentOffset + at;
        this.undefined1252Byte = bytes[at];
      }
    }
    this.contentOffset += bytes.length;
    this.checkValidity(wasValid);
  }

  /** Invalid UTF-8 must at least be Windows-1252, and is refused after a UTF-8 byte-order mark. */
  private checkValidity(wasValid: boolean): void {
    if (this.utf8.valid) return;
    const bom = this.hasBom ? 3 : 0;
    if (wasValid && this.hasBom) throw invalidUtf8AfterBom(this.utf8.firstInvalidOffset + bom);
    if (this.undefined1252At >= 0)
      throw neitherUtf8Nor1252(this.undefined1252Byte, this.undefined1252At + bom);
  }
}

/** The text `decoder` makes of `bytes`, refusing what is not UTF-16 and NUL characters. */
export function utf16Text(decoder: Utf16Decoder, bytes: Buffer): string {
  const text = decoder.write(bytes);
  if (decoder.problem !== null) throw invalidUtf16(decoder.problem);
  if (text.indexOf('\0') >= 0) throw nulBytes();
  return text;
}

/** The end of UTF-16 text: refuses a file that stops in the middle of a character. */
export function endUtf16(decoder: Utf16Decoder): void {
  decoder.end();
  if (decoder.problem !== null) throw invalidUtf16(decoder.problem);
}
