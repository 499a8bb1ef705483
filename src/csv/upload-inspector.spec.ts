import { createHash } from 'crypto';
import { PassThrough } from 'stream';
import { inspectBytes, inspectionRejection } from '../../test/support/csv-test-streams';
import { UploadInspector } from './upload-inspector';
import { UploadRejectedError } from './upload-rejections';
import { IMPORT_HEADER } from '../import/rules/columns';

const LIMITS = { maxFieldChars: 65536 };

const rejection = (bytes: Buffer, size?: number) => inspectionRejection(bytes, LIMITS, size);

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
