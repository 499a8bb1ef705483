import { createHash } from 'crypto';
import { PassThrough } from 'stream';
import * as iconv from 'iconv-lite';
import { inspectBytes } from '../../test/support/csv-test-streams';
import { UploadInspector, UploadRejectedError } from './upload-inspector';
import { IMPORT_HEADER } from '../import/rules/columns';

const LIMITS = { maxFieldChars: 65536 };

async function rejection(bytes: Buffer, size = 65536): Promise<UploadRejectedError> {
  const { error } = await inspectBytes(bytes, LIMITS, size);
  expect(error).toBeInstanceOf(UploadRejectedError);
  return error as UploadRejectedError;
}

describe('UploadInspector', () => {
  it('passes the bytes through unchanged and reports size and SHA-256', async () => {
    const bytes = Buffer.from('clientCode,serviceCode,qty\r\nC1,S1,2\r\n\r\nC2,"S\r\n2",3\r\n');
    for (const size of [1, 2, 5, 65536]) {
      const { result, output, error } = await inspectBytes(bytes, LIMITS, size);
      expect(error).toBeNull();
      expect(output.equals(bytes)).toBe(true);
      expect(result).toEqual({
        encoding: 'utf-8',
        hasBom: false,
        delimiter: ',',
        header: ['clientCode', 'serviceCode', 'qty'],
        rowCount: 2,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        problem: null,
      });
    }
  });

  it('refuses result() before the stream has ended', () => {
    expect(() => new UploadInspector({ header: IMPORT_HEADER, ...LIMITS }).result()).toThrow(
      /only available after the stream ends/,
    );
  });

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

  describe('header', () => {
    it.each([
      ['an empty file', ''],
      ['blank lines and whitespace', ' \r\n\t\n\n  '],
      ['a BOM only', '\ufeff'],
      ['empty quoted fields only', '"",""\n'],
    ])('rejects %s as empty', async (_what, text) => {
      const error = await rejection(Buffer.from(text));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^The file is empty: it has no header row\./);
    });

    it('names the missing and the found columns', async () => {
      const error = await rejection(Buffer.from('clientCode,qty,price\nC1,1,2.00\n'));
      expect(error.status).toBe(400);
      expect(error.message).toBe(
        'Missing required column(s): serviceCode. Found columns: clientCode, qty, price. ' +
          'Required: clientCode, serviceCode; optional: quantity, unitPrice, startDate, endDate, notes.',
      );
    });

    it('rejects duplicate columns', async () => {
      const error = await rejection(Buffer.from('clientCode,serviceCode,client_code\n'));
      expect(error.message).toMatch(
        /^Duplicate column\(s\): "clientCode" and "client_code" are both clientCode\./,
      );
    });

    it('rejects as soon as the header is known, before the rest of the upload arrives', async () => {
      const source = new PassThrough();
      const inspector = new UploadInspector({ header: IMPORT_HEADER, ...LIMITS });
      const failed = new Promise<Error>((resolve) => inspector.on('error', resolve));
      source.pipe(inspector).resume();
      source.write('clientCode,qty\nC1,1\n');
      const error = await failed;
      expect(error).toBeInstanceOf(UploadRejectedError);
      expect(source.writableEnded).toBe(false);
    });

    it('rejects a header with an unclosed quote', async () => {
      const error = await rejection(Buffer.from('"clientCode,serviceCode\nC1,S1\n'));
      expect(error.message).toMatch(/^The header row \(line 1\) opens a quoted value/);
    });

    it('gives up on a header that never ends', async () => {
      const bytes = Buffer.from('\n'.repeat(1_100_000) + 'clientCode,serviceCode\n');
      const { error } = await inspectBytes(bytes, { maxFieldChars: 1000 });
      expect(error?.message).toMatch(/^No complete header row was found in the first \d+ bytes/);
    });

    describe('header width (IMPORT_MAX_COLUMNS)', () => {
      const header = (n: number, delimiter = ',') =>
        ['clientCode', 'serviceCode', ...Array.from({ length: n - 2 }, (_, i) => `c${i}`)].join(delimiter);
      const encodings: [string, (text: string) => Buffer][] = [
        ['UTF-8', (text) => Buffer.from(text)],
        ['UTF-8 with BOM', (text) => Buffer.from('\uFEFF' + text)],
        ['UTF-16 LE', (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
        // Valid UTF-8 until the last row: the header is read again as Windows-1252 at the end.
        ['Windows-1252', (text) => Buffer.concat([Buffer.from(text), Buffer.from([0x43, 0xe9, 0x0a])])],
      ];

      it.each(encodings)(
        'refuses a header wider than the limit, naming both numbers (%s)',
        async (_, encode) => {
          for (const [width, limit] of [
            [5000, 100],
            [101, 100],
            [3, 2],
          ]) {
            for (const size of [7, 65536]) {
              const bytes = encode(`${header(width, ';')}\nC1;S1\n`);
              const { error } = await inspectBytes(bytes, { ...LIMITS, maxColumns: limit }, size);
              expect(error).toBeInstanceOf(UploadRejectedError);
              expect((error as UploadRejectedError).status).toBe(400);
              expect(error?.message).toContain(
                `has ${width} columns; the limit is ${limit} (IMPORT_MAX_COLUMNS)`,
              );
            }
          }
        },
      );

      it.each(encodings)('accepts a header exactly as wide as the limit (%s)', async (_, encode) => {
        const { error, result } = await inspectBytes(encode(`${header(100)}\nC1,S1\n`), LIMITS, 7);
        expect(error).toBeNull();
        expect(result?.header).toHaveLength(100);
      });

      it('counts the columns of the header only: a data row may be wider (MALFORMED_ROW later)', async () => {
        const { error, result } = await inspectBytes(
          Buffer.from(`clientCode,serviceCode\nC1,S1,${'x,'.repeat(500)}\n`),
          { ...LIMITS, maxColumns: 2 },
        );
        expect(error).toBeNull();
        expect(result?.rowCount).toBe(1);
      });
    });

    it('detects the delimiter from the header and keeps original names', async () => {
      const { result } = await inspectBytes(
        Buffer.from(' Client Code ;Service_Code;Unit Price\nC1;S1;1,50\n'),
        LIMITS,
      );
      expect(result).toMatchObject({
        delimiter: ';',
        header: ['Client Code', 'Service_Code', 'Unit Price'],
      });
    });
  });

  describe('problems', () => {
    it('records an unclosed quote with the row where it starts, counting only rows before it', async () => {
      const { result } = await inspectBytes(
        Buffer.from('clientCode,serviceCode\nC1,S1\n\nC2,"S2\nC3,S3\n'),
        LIMITS,
      );
      expect(result?.rowCount).toBe(1);
      expect(result?.problem).toEqual({
        kind: 'unterminated-quote',
        rowNumber: 2,
        message:
          'Row 2 (line 4 of the file) opens a quoted value with " that is never closed, so the rest of the file ' +
          'would be read as one value: close the quote or remove it, then upload the file again.',
      });
    });

    it('records the first row with a field over maxFieldChars (counted in characters)', async () => {
      const text = `clientCode,serviceCode\nC1,S1\nC2,${'é'.repeat(101)}\nC3,${'x'.repeat(500)}\n`;
      const { result } = await inspectBytes(Buffer.from(text), { maxFieldChars: 100 }, 7);
      expect(result?.rowCount).toBe(1);
      expect(result?.problem).toMatchObject({ kind: 'field-too-large', rowNumber: 2 });
      const fits = await inspectBytes(Buffer.from(`clientCode,serviceCode\nC1,${'é'.repeat(100)}\n`), {
        maxFieldChars: 100,
      });
      expect(fits.result?.problem).toBeNull();
    });

    it('records text after a closing quote', async () => {
      const { result } = await inspectBytes(
        Buffer.from('clientCode,serviceCode\nC1,"S1" x\nC2,S2\n'),
        LIMITS,
      );
      expect(result?.problem).toMatchObject({ kind: 'malformed-quote', rowNumber: 1 });
      expect(result?.rowCount).toBe(0);
    });
  });

  it('inspects 20 MB in linear time (no re-scanning)', async () => {
    const row = 'C000001,S0001,2,12.50,2026-01-01,2026-12-31,"Billed monthly, on site",Café\n';
    const bytes = Buffer.from(
      'clientCode,serviceCode,quantity,unitPrice,startDate,endDate,notes,x\n' + row.repeat(250_000),
    );
    const started = performance.now();
    const { result } = await inspectBytes(bytes, LIMITS);
    const ms = performance.now() - started;
    expect(result?.rowCount).toBe(250_000);
    expect(ms).toBeLessThan(10_000); // about 1 s here; quadratic work would take minutes
  });
});
