/**
 * The scan of an upload's records from the header on, under each reading its encoding still
 * allows. A UTF-16 file has one. A file without a byte-order mark is only known to be UTF-8 or
 * Windows-1252 at its end, and the two readings can split records differently in corner cases
 * (non-ASCII whitespace before a quote, field sizes): until the first invalid UTF-8 sequence two
 * scanners run side by side, and while a chunk is ASCII and both are in the same state, one scan
 * serves both.
 */
import { isAscii } from 'buffer';
import { StringDecoder } from 'string_decoder';
import { CsvDelimiter, CsvScanner } from './csv-scanner';
import type { ScanLimits } from './csv-limits';
import type { CsvEncoding } from './encoding/encoding';
import { Utf16Decoder } from './encoding/utf16';
import { UploadEncoding, endUtf16, utf16Text } from './upload-encoding';

export interface BodyScan {
  /** Scans the next content bytes (the first are those the header was found in). */
  write(bytes: Buffer): void;
  /** At the end of the file: the reading that holds, and its scanner, which has seen the end. */
  end(): { encoding: CsvEncoding; scanner: CsvScanner };
}

export function startBodyScan(
  encoding: UploadEncoding,
  delimiter: CsvDelimiter,
  limits: ScanLimits,
): BodyScan {
  if (encoding.utf16 !== null) return new Utf16Scan(encoding.utf16, delimiter, limits);
  return new DualScan(encoding, delimiter, limits);
}

class Utf16Scan implements BodyScan {
  private readonly decoder: Utf16Decoder;
  private readonly scanner: CsvScanner;

  constructor(
    private readonly encoding: 'utf-16le' | 'utf-16be',
    delimiter: CsvDelimiter,
    limits: ScanLimits,
  ) {
    this.decoder = new Utf16Decoder(encoding === 'utf-16be');
    this.scanner = new CsvScanner(delimiter, limits);
  }

  write(bytes: Buffer): void {
    this.scanner.scan(utf16Text(this.decoder, bytes));
  }

  end(): { encoding: CsvEncoding; scanner: CsvScanner } {
    endUtf16(this.decoder);
    this.scanner.scan('', true);
    return { encoding: this.encoding, scanner: this.scanner };
  }
}

/** UTF-8 and Windows-1252 side by side, until the content stops being UTF-8. */
class DualScan implements BodyScan {
  private utf8: CsvScanner | null = null;
  private windows1252: CsvScanner;
  private readonly utf8Text = new StringDecoder('utf8');

  constructor(
    private readonly encoding: UploadEncoding,
    delimiter: CsvDelimiter,
    limits: ScanLimits,
  ) {
    if (encoding.encoding === 'utf-8') this.utf8 = new CsvScanner(delimiter, limits);
    this.windows1252 = new CsvScanner(delimiter, limits);
  }

  write(bytes: Buffer): void {
    const utf8 = this.utf8Scanner();
    if (utf8 === null) {
      this.windows1252.scan(latin1(bytes));
      return;
    }
    const text = this.utf8Text.write(bytes);
    if (isAscii(bytes) && utf8.sameStateAs(this.windows1252)) {
      utf8.scan(text);
      this.windows1252 = utf8.clone();
      return;
    }
    utf8.scan(text);
    this.windows1252.scan(latin1(bytes));
  }

  end(): { encoding: CsvEncoding; scanner: CsvScanner } {
    const utf8 = this.utf8Scanner();
    if (utf8 !== null) {
      utf8.scan(this.utf8Text.end(), true);
      return { encoding: 'utf-8', scanner: utf8 };
    }
    this.windows1252.scan('', true);
    return { encoding: 'windows-1252', scanner: this.windows1252 };
  }

  /** The UTF-8 reading's scanner while the content is still UTF-8, null for good once it is not. */
  private utf8Scanner(): CsvScanner | null {
    if (this.utf8 !== null && this.encoding.encoding !== 'utf-8') this.utf8 = null;
    return this.utf8;
  }
}

/**
 * Latin-1 and Windows-1252 differ only in 0x80-0x9F, none of which is whitespace or CSV syntax, and
 * both give one character per byte: the cheap native Latin-1 decoding scans the same.
 */
function latin1(bytes: Buffer): string {
  return bytes.toString('latin1');
}
