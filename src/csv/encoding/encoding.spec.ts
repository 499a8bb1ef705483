import { isUtf8 } from 'buffer';
import { sniffBom } from './encoding';
import { describeBinarySignature } from './signatures';
import { Utf8Validator, firstInvalidUtf8, utf8CompleteLength } from './utf8';
import { indexOfUndefined1252 } from './windows-1252';
import { Utf16Decoder } from './utf16';
import { seededRandom } from '../../../test/support/csv-test-streams';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('sniffBom', () => {
  it.each([
    [bytes(0xef, 0xbb, 0xbf, 0x61), { encoding: 'utf-8', bomLength: 3 }],
    [bytes(0xff, 0xfe, 0x61, 0x00), { encoding: 'utf-16le', bomLength: 2 }],
    [bytes(0xfe, 0xff, 0x00, 0x61), { encoding: 'utf-16be', bomLength: 2 }],
    [Buffer.from('clientCode'), null],
    [bytes(0xef, 0xbb), null],
    [bytes(), null],
  ])('sniffs %s', (head, expected) => {
    expect(sniffBom(head)).toEqual(expected);
  });
});

describe('describeBinarySignature', () => {
  it.each([
    ['%PDF-1.7\n', /PDF document/],
    ['\x89PNG\r\n\x1a\n\0\0', /PNG image/],
    ['GIF89a\x01\x00', /GIF image/],
    ['\xff\xd8\xff\xe0', /JPEG image/],
    ['PK\x03\x04\x14\x00', /Excel workbook \(\.xlsx\/zip\)/],
    ['\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', /old-format Excel workbook \(\.xls\)/],
    ['\x1f\x8b\x08\x00', /gzip/],
    ['7z\xbc\xaf\x27\x1c', /7-Zip/],
    ['Rar!\x1a\x07\x01', /RAR archive/],
    ['\x7fELF\x02\x01', /ELF/],
    ['BZh91AY&SY', /bzip2/],
    ['\xfd7zXZ\x00', /xz/],
    ['SQLite format 3\x00', /SQLite/],
  ])('recognises %j', (head, what) => {
    const message = describeBinarySignature(Buffer.from(head, 'latin1'));
    expect(message).toMatch(what);
    expect(message).toMatch(
      /^The file is .*, not CSV: .* and upload again\.$|^The file is .*, not CSV: unpack it/,
    );
  });

  it('names the xlsx case the way a user can act on', () => {
    expect(describeBinarySignature(Buffer.from('PK\x03\x04', 'latin1'))).toBe(
      'The file is an Excel workbook (.xlsx/zip) or another zip archive (.docx, .ods, .zip), not CSV: ' +
        'save it as CSV (comma or semicolon delimited) and upload again.',
    );
  });

  it.each(['clientCode,serviceCode', 'BZh,x', 'PK,clientCode', '%PD', ''])(
    'lets text through: %j',
    (head) => {
      expect(describeBinarySignature(Buffer.from(head))).toBeNull();
    },
  );
});

describe('utf8CompleteLength', () => {
  const euro = Buffer.from('€'); // E2 82 AC
  const emoji = Buffer.from('😀'); // F0 9F 98 80
  it.each([
    [Buffer.from('abc'), 3],
    [Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]), 1],
    [Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]), 1],
    [Buffer.concat([Buffer.from('a'), euro]), 4],
    [emoji.subarray(0, 3), 0],
    [emoji, 4],
    [bytes(0x61, 0xff), 2], // invalid bytes are not held back
    [bytes(0x80, 0x80, 0x80, 0x80), 4],
  ])('%s → %i', (buf, expected) => {
    expect(utf8CompleteLength(buf)).toBe(expected);
  });
});

describe('Utf8Validator', () => {
  const text = Buffer.from('Café crème, 10 € — 😀 ok');

  it('accepts valid UTF-8 however it is cut, including inside multi-byte sequences', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2++) {
        const v = new Utf8Validator();
        v.write(text.subarray(0, cut));
        v.write(text.subarray(cut, cut2));
        v.write(text.subarray(cut2));
        expect(v.end()).toBe(true);
      }
    }
  });

  it('accepts a sequence fed one byte at a time', () => {
    const v = new Utf8Validator();
    for (const byte of Buffer.from('€😀é')) expect(v.write(bytes(byte))).toBe(true);
    expect(v.end()).toBe(true);
  });

  it.each([
    ['a lone continuation byte', bytes(0x61, 0x80, 0x62), 1],
    ['Latin-1 é', Buffer.from('Café,x', 'latin1'), 3],
    ['an overlong encoding', bytes(0x61, 0xc0, 0xaf), 1],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['a sequence interrupted by ASCII', bytes(0x61, 0x62, 0xe2, 0x82, 0x41), 2],
  ])('rejects %s and names its offset', (_what, buf, offset) => {
    const v = new Utf8Validator();
    v.write(buf.subarray(0, 1));
    v.write(buf.subarray(1));
    v.end();
    expect(v.valid).toBe(false);
    expect(v.firstInvalidOffset).toBe(offset);
  });

  it('rejects a sequence cut off by the end of the file', () => {
    const v = new Utf8Validator();
    expect(v.write(Buffer.from('ab€').subarray(0, 4))).toBe(true);
    expect(v.end()).toBe(false);
    expect(v.firstInvalidOffset).toBe(2);
  });

  it('finds an invalid sequence split across chunks', () => {
    const v = new Utf8Validator();
    expect(v.write(bytes(0x61, 0xe2))).toBe(true);
    expect(v.write(bytes(0x82, 0x41))).toBe(false);
    expect(v.firstInvalidOffset).toBe(1);
  });

  it('agrees with Node on random bytes (firstInvalidUtf8 too)', () => {
    const rand = seededRandom(42);
    const pool = [0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let i = 0; i < 5000; i++) {
      const buf = Buffer.from(
        Array.from({ length: 1 + Math.floor(rand() * 8) }, () => pool[Math.floor(rand() * 14)]),
      );
      const v = new Utf8Validator();
      const cut = Math.floor(rand() * buf.length);
      v.write(buf.subarray(0, cut));
      v.write(buf.subarray(cut));
      v.end();
      expect(v.valid).toBe(isUtf8(buf));
      expect(firstInvalidUtf8(buf) === -1).toBe(isUtf8(buf));
      if (!v.valid) expect(v.firstInvalidOffset).toBe(firstInvalidUtf8(buf));
    }
  });
});

describe('indexOfUndefined1252', () => {
  it('finds the bytes Windows-1252 leaves undefined, and only those', () => {
    expect(indexOfUndefined1252(Buffer.from('Caf\xe9 \x80 \x9f', 'latin1'))).toBe(-1);
    expect(indexOfUndefined1252(Buffer.from('ab\x9dc\x81', 'latin1'))).toBe(2);
    for (const byte of [0x81, 0x8d, 0x8f, 0x90, 0x9d])
      expect(indexOfUndefined1252(bytes(0x41, byte))).toBe(1);
  });
});

describe('Utf16Decoder', () => {
  const text = 'Café, 😀 ok';

  it.each([false, true])('decodes UTF-16 (big endian: %s) however it is cut', (bigEndian) => {
    const encoded = Buffer.from(text, 'utf16le');
    if (bigEndian) encoded.swap16();
    for (let cut = 0; cut <= encoded.length; cut++) {
      const d = new Utf16Decoder(bigEndian);
      const out = d.write(encoded.subarray(0, cut)) + d.write(encoded.subarray(cut)) + d.end();
      expect(out).toBe(text);
      expect(d.problem).toBeNull();
    }
  });

  it('reports an odd trailing byte instead of dropping it', () => {
    const d = new Utf16Decoder(false);
    expect(d.write(bytes(0x41, 0x00, 0x42))).toBe('A');
    d.end();
    expect(d.problem).toMatch(/ends in the middle of a UTF-16 character/);
  });

  it('reports unpaired surrogates', () => {
    const lowFirst = new Utf16Decoder(false);
    lowFirst.write(bytes(0x00, 0xdc, 0x41, 0x00));
    expect(lowFirst.problem).toMatch(/unpaired UTF-16 surrogate/);
    const highLast = new Utf16Decoder(false);
    highLast.write(bytes(0x41, 0x00, 0x3d, 0xd8));
    expect(highLast.problem).toBeNull();
    highLast.end();
    expect(highLast.problem).toMatch(/unpaired UTF-16 surrogate/);
  });
});
