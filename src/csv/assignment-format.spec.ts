import fc from 'fast-check';
import { readBytes } from '../../test/support/csv-test-streams';
import { isClearToken, literalCell, readCell } from './assignment-format';
import { csvCell, startsLikeFormula } from './csv-writer';

const UTF8 = { encoding: 'utf-8', delimiter: ',', maxFieldChars: 65536 } as const;

/** Values as the import stores them: trimmed (the reader trims every value), never empty here. */
const storedValue = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc
      .tuple(
        fc.constantFrom("'", "''", '', '\u200B', '\uFF1D'),
        fc.constantFrom('=', '+', '-', '@', '#CLEAR', '#clear', 'x'),
        fc.string({ maxLength: 6 }),
      )
      .map((parts) => parts.join('')),
    fc.string({ unit: fc.constantFrom("'", '=', '"', ',', '\n', '\r', 'a', ' ', '#', '-'), maxLength: 10 }),
  )
  .map((value) => value.trim())
  .filter((value) => value !== '');

describe('literalCell and readCell', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['-5', "'-5"],
    ["'=x", "''=x"],
    ["'hello", "'hello"],
    ["'", "'"],
    ['#CLEAR', "'#CLEAR"],
    ['#clear', "'#clear"],
    ["'#CLEAR", "''#CLEAR"],
    ['a, "b"', '"a, ""b"""'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['plain', 'plain'],
  ])('writes %j as %j and reads it back', (value, cell) => {
    expect(literalCell(value)).toBe(cell);
  });

  it('reads back through the import reader every value it writes, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storedValue, { minLength: 1, maxLength: 8 }), async (values) => {
        const file = 'h\r\n' + values.map((v) => `${literalCell(v)}\r\n`).join('');
        const { rows, error } = await readBytes(Buffer.from(file), UTF8);
        expect(error).toBeNull();
        expect(rows.map((row) => readCell(row.fields[0]))).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('is formula-safe: no cell it writes starts like a formula, or is the clear token', () => {
    fc.assert(
      fc.property(storedValue, (value) => {
        const cell = literalCell(value);
        const text = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(startsLikeFormula(text) || isClearToken(text)).toBe(false);
      }),
    );
  });

  it('reads a report cell (csvCell) as the import read the value it guards', () => {
    fc.assert(
      fc.property(storedValue, (raw) => {
        const cell = csvCell(raw);
        const text = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(readCell(text)).toBe(readCell(raw));
      }),
    );
  });

  it('keeps an apostrophe that marks nothing', () => {
    expect(readCell("'hello")).toBe("'hello");
    expect(readCell("'")).toBe("'");
    expect(readCell("'12.50")).toBe("'12.50");
    expect(readCell("''=x")).toBe("'=x");
  });
});
