/**
 * Property-style check that the upload inspector and the row reader agree on every file: the row
 * count, the header, the verdict on unreadable rows (kind, row, message), and that the reader's rows
 * are exactly what fast-csv alone makes of the whole text. Thousands of small random CSVs over an
 * alphabet rich in CSV syntax, in every supported encoding, cut into random chunks.
 */
import { isUtf8 } from 'buffer';
import { createHash } from 'crypto';
import { parseString } from 'fast-csv';
import * as iconv from 'iconv-lite';
import { CsvDelimiter } from './csv-scanner';
import { CsvEncoding } from './encoding/encoding';
import { inspectBytes, readBytes, seededRandom } from '../../test/support/csv-test-streams';
import { CsvFormatError } from './row-reader';

const BASE_ALPHABET = ['a', ' ', '"', ',', ';', '\t', '\r', '\n', 'é'];
/** Adds whitespace fast-csv treats as such (\s) that is not ASCII: the two encodings may disagree on it. */
const WIDE_ALPHABET = [...BASE_ALPHABET, '\u00a0', '\u2028', '\ufeff', '€'];
const HEADER = ['clientCode', 'serviceCode', 'notes'];
const FIELD_LIMITS = [12, 16, 24, 65536];

type Flavour = 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be' | 'utf-8-then-invalid';

interface Case {
  seed: number;
  bytes: Buffer;
  /** The text as the reader will decode it. */
  text: string;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  maxFieldChars: number;
  maxRowChars: number | undefined;
}

function makeCase(seed: number, alphabet: readonly string[], flavours: readonly Flavour[]): Case {
  const rand = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const delimiter = pick<CsvDelimiter>([',', ';', '\t']);
  let text =
    pick(['', '', '', '\n', '\r\n', ' \n', '\r']) + HEADER.join(delimiter) + pick(['\n', '\r\n', '\r']);
  const length = Math.floor(rand() * 48);
  for (let i = 0; i < length; i++) text += pick(alphabet);
  const flavour = pick(flavours);
  const maxFieldChars = pick(FIELD_LIMITS);
  // The header row is 28 characters long: 32 and 48 leave room for it and trip on long data rows.
  const maxRowChars = pick([undefined, undefined, 32, 48]);
  const c = makeBytes(text, flavour);
  return { seed, ...c, delimiter, maxFieldChars, maxRowChars };
}

function makeBytes(text: string, flavour: Flavour): { bytes: Buffer; text: string; encoding: CsvEncoding } {
  switch (flavour) {
    case 'utf-8':
      return { bytes: Buffer.from(text), text, encoding: 'utf-8' };
    case 'utf-8-bom':
      return {
        bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
        text,
        encoding: 'utf-8',
      };
    case 'windows-1252': {
      // Usually invalid UTF-8, but not always: "é€\u00a0" is E9 80 A0, a valid UTF-8 sequence.
      const bytes = iconv.encode(text, 'windows-1252');
      const encoding = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
      return { bytes, text: iconv.decode(bytes, encoding), encoding };
    }
    case 'utf-16le':
    case 'utf-16be':
      return { bytes: iconv.encode(text, flavour, { addBOM: true }), text, encoding: flavour };
    case 'utf-8-then-invalid': {
      // Valid UTF-8 (with non-ASCII whitespace) until a last byte that makes the file Windows-1252.
      const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xff])]);
      return { bytes, text: iconv.decode(bytes, 'windows-1252'), encoding: 'windows-1252' };
    }
  }
}

const FAST_CSV_OPTIONS = { quote: '"', escape: '"', trim: true, ignoreEmpty: true, headers: false } as const;

/** fast-csv alone on the whole text: the authority. */
function fastCsv(text: string, delimiter: CsvDelimiter): Promise<{ rows: string[][]; error: Error | null }> {
  return new Promise((resolve) => {
    const rows: string[][] = [];
    parseString<string[], string[]>(text, { ...FAST_CSV_OPTIONS, delimiter })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', (error: Error) => resolve({ rows, error }))
      .on('end', () => resolve({ rows, error: null }));
  });
}

async function checkCase(c: Case): Promise<void> {
  const rand = seededRandom(c.seed ^ 0x5bd1e995);
  const smallChunks = (): number => 1 + Math.floor(rand() * 7);
  const context =
    `seed ${c.seed}, ${c.encoding}, maxFieldChars ${c.maxFieldChars}, maxRowChars ${c.maxRowChars}, ` +
    `text ${JSON.stringify(c.text)}`;
  const limits = { maxFieldChars: c.maxFieldChars, maxRowChars: c.maxRowChars };

  const inspection = await inspectBytes(c.bytes, limits, smallChunks);
  if (inspection.error !== null)
    throw new Error(`inspector rejected (${inspection.error.message}): ${context}`);
  const result = inspection.result!;
  expect({ context, output: inspection.output.equals(c.bytes) }).toEqual({ context, output: true });
  expect({ context, encoding: result.encoding, delimiter: result.delimiter, bytes: result.bytes }).toEqual({
    context,
    encoding: c.encoding,
    delimiter: c.delimiter,
    bytes: c.bytes.length,
  });
  expect(result.sha256).toBe(createHash('sha256').update(c.bytes).digest('hex'));

  const reading = await readBytes(
    c.bytes,
    { encoding: result.encoding, delimiter: result.delimiter, ...limits },
    smallChunks,
  );
  const readerVerdict =
    reading.error instanceof CsvFormatError
      ? { kind: reading.error.kind, rowNumber: reading.error.rowNumber, message: reading.error.message }
      : reading.error === null
        ? null
        : { unexpected: reading.error.message };
  expect({ context, rowCount: result.rowCount, problem: result.problem }).toEqual({
    context,
    rowCount: reading.rows.length,
    problem: readerVerdict,
  });
  reading.rows.forEach((row, index) => expect(row.rowNumber).toBe(index + 1));

  const reference = await fastCsv(c.text, c.delimiter);
  if (result.problem === null) {
    expect({ context, error: reference.error?.message ?? null }).toEqual({ context, error: null });
    expect({ context, header: result.header, rows: reading.rows.map((row) => row.fields) }).toEqual({
      context,
      header: reference.rows[0],
      rows: reference.rows.slice(1),
    });
  } else if (result.problem.kind === 'unterminated-quote' || result.problem.kind === 'malformed-quote') {
    expect({ context, error: reference.error?.message.startsWith('Parse Error') }).toEqual({
      context,
      error: true,
    });
  }
}

async function checkMany(
  first: number,
  count: number,
  alphabet: readonly string[],
  flavours: readonly Flavour[],
) {
  for (let seed = first; seed < first + count; seed++) await checkCase(makeCase(seed, alphabet, flavours));
}

describe('inspector and reader agree (random CSVs)', () => {
  const all: Flavour[] = ['utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'];

  it('on 3000 files over a, space, ", comma, semicolon, tab, CR, LF and é', async () => {
    await checkMany(1, 3000, BASE_ALPHABET, all);
  }, 120_000);

  it('on 1000 files with non-ASCII whitespace (U+00A0, U+2028, U+FEFF) in UTF-8 and UTF-16', async () => {
    await checkMany(100_001, 1000, WIDE_ALPHABET, ['utf-8', 'utf-16le', 'utf-16be']);
  }, 60_000);

  it('on 600 files that look like UTF-8 until a last byte makes them Windows-1252', async () => {
    await checkMany(200_001, 600, WIDE_ALPHABET, ['utf-8-then-invalid']);
  }, 60_000);

  it('on 400 Windows-1252 files with no-break spaces', async () => {
    await checkMany(300_001, 400, [...BASE_ALPHABET, '\u00a0', '€'], ['windows-1252']);
  }, 60_000);
});
