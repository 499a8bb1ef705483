// What text an upload is (UploadEncoding inside the inspector): byte-order marks, UTF-8 against
// Windows-1252, UTF-16, and the binary content that is refused before any of that.
import * as iconv from 'iconv-lite';
import { inspectBytes, inspectionRejection } from '../../test/support/csv-test-streams';

const LIMITS = { maxFieldChars: 65536 };

const rejection = (bytes: Buffer, size?: number) => inspectionRejection(bytes, LIMITS, size);

describe('UploadInspector: what text the bytes are', () => {
  describe('encoding', () => {
    it('sniffs a UTF-8 BOM, even split over chunks, and leaves it out of the header', async () => {
      const bytes = Buffer.from('\ufeffclientCode,serviceCode\nC1,S1\n');
      const { result } = await inspectBytes(bytes, LIMITS, 1);
      expect(result).toMatchObject({
        encoding: 'utf-8',
        hasBom: true,
        header: ['clientCode', 'serviceCode'],
        rowCount: 1,
      });
    });

    it.each(['utf-16le', 'utf-16be'] as const)('reads %s with a BOM', async (encoding) => {
      const bytes = iconv.encode('clientCode;serviceCode;notes\nC1;S1;😀 ok\n', encoding, { addBOM: true });
      const { result } = await inspectBytes(bytes, LIMITS, 3);
      expect(result).toMatchObject({ encoding, hasBom: true, delimiter: ';', rowCount: 1 });
      expect(result?.header).toEqual(['clientCode', 'serviceCode', 'notes']);
    });

    it('calls a file Windows-1252 when any byte is invalid UTF-8, even the last one', async () => {
      const utf8Start = Buffer.from(
        'clientCode,serviceCode,notes\nC1,S1,Crème\n'.repeat(1) + 'C2,S2,x'.repeat(2000),
      );
      const bytes = Buffer.concat([utf8Start, Buffer.from([0xe9, 0x0a])]);
      const { result } = await inspectBytes(bytes, LIMITS, 4096);
      expect(result).toMatchObject({ encoding: 'windows-1252', hasBom: false, rowCount: 2 });
    });

    it('reads the header of a Windows-1252 file as Windows-1252', async () => {
      const bytes = iconv.encode('clientCode,serviceCode,Prix €\nC1,S1,10\nC2,S2,Café\n', 'windows-1252');
      const { result } = await inspectBytes(bytes, LIMITS);
      expect(result?.header).toEqual(['clientCode', 'serviceCode', 'Prix €']);
    });

    it('re-reads a header first seen as UTF-8 once the file turns out Windows-1252', async () => {
      const bytes = Buffer.concat([
        Buffer.from('clientCode,serviceCode,Café\nC1,S1,x\n'),
        Buffer.from('C2,S2,', 'latin1'),
        Buffer.from([0xe9, 0x0a]),
      ]);
      const { result } = await inspectBytes(bytes, LIMITS, 8);
      expect(result).toMatchObject({
        encoding: 'windows-1252',
        header: ['clientCode', 'serviceCode', 'CafÃ©'],
      });
    });

    it('rejects a UTF-8 BOM followed by invalid UTF-8', async () => {
      const error = await rejection(
        Buffer.concat([Buffer.from('\ufeffclientCode,serviceCode\nC1,'), Buffer.from([0xff])]),
      );
      expect(error.status).toBe(400);
      expect(error.message).toMatch(
        /^The file starts with a UTF-8 byte-order mark but is not valid UTF-8 .*offset 29\)/,
      );
    });

    it('rejects text that is neither UTF-8 nor Windows-1252 rather than replacing characters', async () => {
      const bytes = Buffer.from('clientCode,serviceCode\nC1,S\x81\xe9\n', 'latin1');
      const error = await rejection(bytes);
      expect(error.status).toBe(400);
      expect(error.message).toBe(
        'The file is not valid UTF-8, and it is not Windows-1252 text either (byte 0x81 at offset 27 has no ' +
          'meaning there): save it as CSV UTF-8 and upload again.',
      );
    });

    it('accepts a valid UTF-8 sequence that contains a byte Windows-1252 leaves undefined', async () => {
      const { result, error } = await inspectBytes(Buffer.from('clientCode,serviceCode\nC1,Á\n'), LIMITS); // C3 81
      expect(error).toBeNull();
      expect(result?.encoding).toBe('utf-8');
    });

    it.each([
      [
        'an odd number of bytes',
        Buffer.concat([
          iconv.encode('clientCode,serviceCode\n', 'utf-16le', { addBOM: true }),
          Buffer.from([0x41]),
        ]),
        /ends in the middle of a UTF-16 character/,
      ],
      [
        'an odd number of bytes after a header that ends with the file',
        Buffer.concat([
          iconv.encode('clientCode,serviceCode', 'utf-16le', { addBOM: true }),
          Buffer.from([0x41]),
        ]),
        /ends in the middle of a UTF-16 character/,
      ],
      [
        'an unpaired surrogate',
        Buffer.concat([
          iconv.encode('clientCode,serviceCode\n', 'utf-16le', { addBOM: true }),
          Buffer.from([0x00, 0xdc, 0x41, 0x00]),
        ]),
        /unpaired UTF-16 surrogate/,
      ],
    ])('rejects UTF-16 with %s', async (_what, bytes, message) => {
      const error = await rejection(bytes);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    });
  });

  describe('binary content', () => {
    it('rejects a known binary signature with 415, naming the format', async () => {
      const error = await rejection(Buffer.from('PK\x03\x04\x14\x00\x06\x00junk', 'latin1'), 2);
      expect(error.status).toBe(415);
      expect(error.message).toMatch(
        /^The file is an Excel workbook \(\.xlsx\/zip\).*, not CSV: save it as CSV/,
      );
    });

    it('rejects a NUL byte anywhere with 415', async () => {
      const bytes = Buffer.concat([
        Buffer.from('clientCode,serviceCode\n' + 'C1,S1\n'.repeat(5000)),
        Buffer.from([0]),
      ]);
      const error = await rejection(bytes, 1000);
      expect(error.status).toBe(415);
      expect(error.message).toMatch(/^The file contains NUL bytes/);
    });

    it('rejects UTF-16 without a BOM (it is full of NUL bytes)', async () => {
      const error = await rejection(iconv.encode('clientCode,serviceCode\n', 'utf-16le'));
      expect(error.status).toBe(415);
    });

    it('rejects NUL characters in UTF-16 too', async () => {
      const error = await rejection(
        iconv.encode('clientCode,serviceCode\nC1,S\u00001\n', 'utf-16be', { addBOM: true }),
      );
      expect(error.status).toBe(415);
    });

    it('lets a short text file through', async () => {
      const { result } = await inspectBytes(Buffer.from('clientCode,serviceCode'), LIMITS);
      expect(result).toMatchObject({ rowCount: 0, header: ['clientCode', 'serviceCode'] });
    });
  });
});
