import { parseString } from 'fast-csv';
import { CsvDelimiter, CsvScanner } from './csv-scanner';
import { ScanLimits } from './csv-limits';
import { isJsWhitespace } from './csv-characters';
import { findHeader } from './header-detection';
import { scanProblem } from './csv-problems';

const ROOMY: ScanLimits = { maxFieldChars: 65536, maxRowChars: 1 << 20 };

function scanAll(text: string, delimiter: CsvDelimiter = ',', limits = ROOMY, pieces: string[] = [text]) {
  const s = new CsvScanner(delimiter, limits);
  pieces.forEach((piece, index) => s.scan(piece, index === pieces.length - 1));
  if (pieces.length === 0) s.scan('', true);
  return { rows: s.dataRowCount, problem: scanProblem(s), records: s.records };
}

function fastCsv(text: string, delimiter: CsvDelimiter = ','): Promise<string[][] | string> {
  return new Promise((resolve) => {
    const rows: string[][] = [];
    parseString<string[], string[]>(text, {
      delimiter,
      quote: '"',
      escape: '"',
      trim: true,
      ignoreEmpty: true,
      headers: false,
    })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', (err: Error) => resolve(err.message))
      .on('end', () => resolve(rows));
  });
}

describe('isJsWhitespace', () => {
  it('is exactly the \\s set that fast-csv and String.prototype.trim use, over the whole BMP', () => {
    const differences: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const js = /\s/.test(ch);
      if (js !== isJsWhitespace(c) || js !== (ch.trim() === '')) differences.push(c);
    }
    expect(differences).toEqual([]);
  });
});

describe('fast-csv quirks the scanner mirrors', () => {
  // [text, what fast-csv makes of it: the records (header included) or its parse error]
  const quirks: [string, string, string[][] | 'error'][] = [
    ['a quote inside an unquoted field is a literal', 'h\nab"c,d\n', [['h'], ['ab"c', 'd']]],
    ['text after a closing quote is a parse error', 'h\n"a"b,c\n', 'error'],
    ['spaces after a closing quote are allowed', 'h\n"a"  ,b\n', [['h'], ['a', 'b']]],
    ['spaces before an opening quote still make a quoted field', 'h\n  "x,y"  ,z\n', [['h'], ['x,y', 'z']]],
    ['a no-break space before a quote is whitespace too', 'h\n\u00a0"q,r"\n', [['h'], ['q,r']]],
    ['a lone CR ends a record', 'h\ra\rb', [['h'], ['a'], ['b']]],
    ['CRLF is one line end, CR CR two', 'h\r\na\r\r\nb\n', [['h'], ['a'], ['b']]],
    ['quoted fields keep delimiters and line breaks', 'h\n"a,\r\nb",c\n', [['h'], ['a,\r\nb', 'c']]],
    ['"" inside quotes is one quote', 'h\n"say ""hi"""\n', [['h'], ['say "hi"']]],
    ['an unclosed quote is a parse error', 'h\n"ab\ncd', 'error'],
    ['an unclosed quote after an escaped one is a parse error', 'h\n"a""', 'error'],
    ['values are trimmed, quoted ones too', 'h\n  a  ," b "\n', [['h'], ['a', 'b']]],
    ['empty and whitespace-only records are skipped', 'h\n,\n , \n"",""\n\n\u00a0\nx\n', [['h'], ['x']]],
    ['a U+FEFF at the start of a record is whitespace', 'h\n\ufeffa,b\n', [['h'], ['a', 'b']]],
    ['trailing delimiters give empty fields', 'h\na,,\n', [['h'], ['a', '', '']]],
  ];

  it.each(quirks)('%s', async (_what, text, expected) => {
    const parsed = await fastCsv(text);
    const scanned = scanAll(text);
    if (expected === 'error') {
      expect(typeof parsed).toBe('string');
      expect(scanned.problem?.kind).toMatch(/quote/);
    } else {
      expect(parsed).toEqual(expected);
      expect(scanned.problem).toBeNull();
      expect(scanned.rows).toBe(expected.length - 1);
    }
  });
});

describe('CsvScanner', () => {
  const samples = [
    'h1,h2\r\na,b\r\n\r\n"x\r\ny",z\r\n',
    'h\n"a""b",c\n\n ,\n"",\nd',
    'h\r"a\rb"\r\rc\r',
    'h;x\n"a;b";c\n',
    'h\n"ab\n',
    'h\n"a"b\n',
  ];

  it.each(samples)('counts %j the same however the text is cut', (text) => {
    const whole = scanAll(text);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(scanAll(text, ',', ROOMY, [text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(scanAll(text, ',', ROOMY, [...text])).toEqual(whole);
  });

  it('numbers data rows after the header and skips blank records', () => {
    expect(scanAll('\n\nh\n\na\n \nb').rows).toBe(2);
    expect(scanAll('h').rows).toBe(0);
    expect(scanAll('').rows).toBe(0);
  });

  it('names the data row and the line where an unclosed quote starts', () => {
    const { rows, problem } = scanAll('h\n\na\n"b\nc\nd\n');
    expect(rows).toBe(1);
    expect(problem).toEqual({
      kind: 'unterminated-quote',
      rowNumber: 2,
      message: expect.stringMatching(/^Row 2 \(line 4 of the file\) opens a quoted value/),
    });
  });

  it('counts lines through quoted line breaks, CRLF once', () => {
    const { problem } = scanAll('h\r\n"a\r\nb"\r\nc,"d"e\r\n');
    expect(problem).toMatchObject({ kind: 'malformed-quote', rowNumber: 2 });
    expect(problem?.message).toMatch(/^Row 2 \(line 4 of the file\) has text after the closing quote/);
  });

  it('flags the first row with a field over the limit, counted in characters with quotes and spaces', () => {
    const limits = { maxFieldChars: 5, maxRowChars: 100 };
    expect(scanAll('h\nabcde,"abc"\n', ',', limits).problem).toBeNull();
    expect(scanAll('h\nab, "abc"\n', ',', limits).problem).toMatchObject({
      kind: 'field-too-large',
      rowNumber: 1,
    });
    expect(scanAll('h\nok\n"a\nbcdef"\n', ',', limits).problem).toMatchObject({
      kind: 'field-too-large',
      rowNumber: 2,
      message: expect.stringContaining('longer than 5 characters'),
    });
    // a character outside the BMP is two UTF-16 code units
    expect(scanAll('h\n\u{1f600}\u{1f600}\u{1f600}\n', ',', limits).problem?.kind).toBe('field-too-large');
  });

  it('flags a row over the row limit; the field limit wins when both are crossed on the same character', () => {
    expect(scanAll('h\na,b,c,d\n', ',', { maxFieldChars: 10, maxRowChars: 6 }).problem).toMatchObject({
      kind: 'row-too-large',
      rowNumber: 1,
    });
    expect(scanAll('h\nabcdefgh\n', ',', { maxFieldChars: 6, maxRowChars: 6 }).problem?.kind).toBe(
      'field-too-large',
    );
    expect(scanAll('h\nabcdefgh\n', ',', { maxFieldChars: 7, maxRowChars: 6 }).problem?.kind).toBe(
      'row-too-large',
    );
  });

  it('calls a problem in the header record row 0', () => {
    expect(scanAll('"h\n').problem).toMatchObject({
      kind: 'unterminated-quote',
      rowNumber: 0,
      message: expect.stringMatching(/^The header row \(line 1\)/),
    });
  });

  it('reports where the record being read starts, for cutting text on record boundaries', () => {
    const s = new CsvScanner(',', ROOMY);
    s.scan('h\na,"b\n');
    expect(s.recordStart).toBe(2);
    s.scan('c"\nd');
    expect(s.recordStart).toBe(3);
    s.scan('ef');
    expect(s.recordStart).toBe(-1);
  });
});

describe('findHeader', () => {
  it.each<[string, CsvDelimiter, string[]]>([
    ['clientCode,serviceCode\n', ',', ['clientCode', 'serviceCode']],
    ['clientCode;serviceCode;notes\r\n', ';', ['clientCode', 'serviceCode', 'notes']],
    ['clientCode\tserviceCode\n', '\t', ['clientCode', 'serviceCode']],
    // most frequent outside quotes: the commas are inside quotes here
    ['"client,Code";"service,Code"\n', ';', ['client,Code', 'service,Code']],
    ['a;b,c;d\n', ';', ['a', 'b,c', 'd']],
    // ties go to comma, then semicolon
    ['a,b;c\n', ',', ['a', 'b;c']],
    ['a;b\tc\n', ';', ['a', 'b\tc']],
    ['clientCode\n', ',', ['clientCode']],
    // blank lines before the header are skipped, names are trimmed, "" is a quote
    ['\n \r\n  Client Code , "say ""x"""\n', ',', ['Client Code', 'say "x"']],
    // a quoted header name may span lines
    ['"client\nCode",b\n', ',', ['client\nCode', 'b']],
  ])('finds the header of %j', (text, delimiter, fields) => {
    expect(findHeader(text, false, ROOMY)).toEqual({ status: 'found', delimiter, fields });
  });

  it('waits for a header row that has not ended yet', () => {
    expect(findHeader('clientCode,serv', false, ROOMY)).toEqual({ status: 'pending' });
    expect(findHeader('"clientCode\n', false, ROOMY)).toEqual({ status: 'pending' });
    expect(findHeader('clientCode,serv', true, ROOMY)).toEqual({
      status: 'found',
      delimiter: ',',
      fields: ['clientCode', 'serv'],
    });
  });

  it('finds no header in empty or blank text', () => {
    expect(findHeader('', true, ROOMY)).toEqual({ status: 'empty' });
    expect(findHeader(' \r\n\t\n\u00a0\n""', true, ROOMY)).toEqual({ status: 'empty' });
    // "," is blank with a comma delimiter but a one-character name with a semicolon one
    expect(findHeader(',\n', true, ROOMY)).toEqual({ status: 'found', delimiter: ';', fields: [','] });
  });

  it('explains an unreadable header', () => {
    expect(findHeader('"clientCode,serviceCode\n', true, ROOMY)).toEqual({
      status: 'invalid',
      message: expect.stringMatching(/^The header row \(line 1\) opens a quoted value/),
    });
    expect(findHeader('"client"Code,serviceCode\n', false, ROOMY)).toEqual({
      status: 'invalid',
      message: expect.stringMatching(/^The header row \(line 1\) has text after the closing quote/),
    });
    expect(findHeader('clientCode,serviceCode\n', false, { maxFieldChars: 5, maxRowChars: 80 })).toEqual({
      status: 'invalid',
      message: expect.stringMatching(/^The header row \(line 1\) has a value longer than 5 characters/),
    });
  });
});
