import { PassThrough, Readable } from 'stream';
import * as iconv from 'iconv-lite';
import { chunkedStream, readBytes } from '../../test/support/csv-test-streams';
import { CsvFormatError, ReaderOptions, readDataRows } from './row-reader';

const UTF8: ReaderOptions = { encoding: 'utf-8', delimiter: ',', maxFieldChars: 65536 };

describe('readDataRows', () => {
  it('skips the header and blank records, numbers data rows from 1, trims values', async () => {
    const text = '\nclientCode,serviceCode\n\n C1 , S1 \n,\n"",""\n  \nC2,"S,2"\n';
    expect(await readBytes(Buffer.from(text), UTF8)).toEqual({
      rows: [
        { rowNumber: 1, fields: ['C1', 'S1'] },
        { rowNumber: 2, fields: ['C2', 'S,2'] },
      ],
      error: null,
    });
  });

  it('keeps line breaks and doubled quotes inside quoted values; CR, LF and CRLF all end rows', async () => {
    const text = 'h1,h2\r\n"a\r\nb","say ""hi"""\rc,d\ne,f';
    const { rows } = await readBytes(Buffer.from(text), UTF8, 3);
    expect(rows.map((row) => row.fields)).toEqual([
      ['a\r\nb', 'say "hi"'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('yields short and long rows as they are', async () => {
    const { rows } = await readBytes(Buffer.from('a,b,c\n1\n1,2,3,4,,\n'), UTF8);
    expect(rows.map((row) => row.fields)).toEqual([['1'], ['1', '2', '3', '4', '', '']]);
  });

  it('decodes Windows-1252 and UTF-16 (BOM removed)', async () => {
    const text = 'h;n\r\nC1;Café – 10 €\r\n';
    const w1252 = await readBytes(iconv.encode(text, 'windows-1252'), {
      ...UTF8,
      encoding: 'windows-1252',
      delimiter: ';',
    });
    expect(w1252.rows[0].fields).toEqual(['C1', 'Café – 10 €']);
    for (const encoding of ['utf-16le', 'utf-16be'] as const) {
      const read = await readBytes(
        iconv.encode(text, encoding, { addBOM: true }),
        { ...UTF8, encoding, delimiter: ';' },
        3,
      );
      expect(read).toEqual({ rows: [{ rowNumber: 1, fields: ['C1', 'Café – 10 €'] }], error: null });
    }
    const bom = await readBytes(Buffer.from('\ufeffh\nx\n'), UTF8);
    expect(bom.rows).toEqual([{ rowNumber: 1, fields: ['x'] }]);
  });

  it('reads the same however the bytes are cut', async () => {
    const bytes = Buffer.from('h1;h2\r\n"é\r\n;x";b\r\n\r\nc;"d"" "\r\n');
    const whole = await readBytes(bytes, { ...UTF8, delimiter: ';' });
    expect(whole.rows).toHaveLength(2);
    for (let size = 1; size <= 8; size++) {
      expect(await readBytes(bytes, { ...UTF8, delimiter: ';' }, size)).toEqual(whole);
    }
  });

  it('yields every row before an unclosed quote, then throws naming its row', async () => {
    const { rows, error } = await readBytes(Buffer.from('h\na\n\nb\n"c\nd\ne\n'), UTF8, 2);
    expect(rows.map((row) => row.fields)).toEqual([['a'], ['b']]);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect(error).toMatchObject({
      kind: 'unterminated-quote',
      rowNumber: 3,
      message: expect.stringMatching(/^Row 3 \(line 5 of the file\) opens a quoted value/),
    });
  });

  it('stops at text after a closing quote, naming the row', async () => {
    const { rows, error } = await readBytes(Buffer.from('h\na\n"b"c\nd\n'), UTF8);
    expect(rows).toHaveLength(1);
    expect(error).toMatchObject({ name: 'CsvFormatError', kind: 'malformed-quote', rowNumber: 2 });
  });

  it('stops at a field over the limit without reading it whole', async () => {
    const big = 'x'.repeat(100_000);
    const { rows, error } = await readBytes(
      Buffer.from(`h\na\n${big}\nb\n`),
      { ...UTF8, maxFieldChars: 1000 },
      4096,
    );
    expect(rows).toHaveLength(1);
    expect(error).toMatchObject({
      kind: 'field-too-large',
      rowNumber: 2,
      message: expect.stringContaining('longer than 1000 characters'),
    });
  });

  it('stops at a row over the row limit', async () => {
    const { rows, error } = await readBytes(Buffer.from('h\na,b,c,d,e\n'), { ...UTF8, maxRowChars: 5 });
    expect(rows).toHaveLength(0);
    expect(error).toMatchObject({ kind: 'row-too-large', rowNumber: 1 });
  });

  it('passes storage errors through as they are', async () => {
    const source = new PassThrough();
    const rows: unknown[] = [];
    const reading = (async () => {
      for await (const row of readDataRows(source, UTF8)) rows.push(row);
    })();
    source.write('h\na\n');
    setImmediate(() => source.destroy(new Error('storage went away')));
    await expect(reading).rejects.toThrow('storage went away');
  });

  it('closes the source when the consumer stops early', async () => {
    const source = chunkedStream(Buffer.from('h\n' + 'a\n'.repeat(10_000)), 64);
    let seen = 0;
    for await (const _row of readDataRows(source, UTF8)) {
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(source.destroyed).toBe(true);
  });

  it('yields nothing for a header-only file', async () => {
    expect(await readBytes(Buffer.from('clientCode,serviceCode\r\n'), UTF8)).toEqual({
      rows: [],
      error: null,
    });
    expect(await readBytes(Buffer.from(''), UTF8)).toEqual({ rows: [], error: null });
  });

  it('streams a long file given in many small pieces', async () => {
    const source = Readable.from(
      (function* () {
        yield Buffer.from('h1,h2\n');
        for (let i = 0; i < 2000; i++) yield Buffer.from('a,b\n'.repeat(50));
      })(),
    );
    let count = 0;
    for await (const _row of readDataRows(source, UTF8)) count++;
    expect(count).toBe(100_000);
  });
});
