import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { QueryInt, QuerySearch } from './validation';

class Query {
  @QueryInt({ min: 1, max: 1_000_000_000, default: 1 })
  page: number = 1;

  @QuerySearch()
  search?: string;
}

function check(raw: Record<string, unknown>): { errors: string[]; value: Query } {
  const value = plainToInstance(Query, raw);
  const errors = validateSync(value).flatMap((e) => Object.values(e.constraints ?? {}));
  return { errors, value };
}

/** Numerals Number() or parseInt() would accept in some form, and other near misses, generated. */
function malformedNumerals(): unknown[] {
  const bases = ['1', '10', '42', '1000000000'];
  const shapes: ((n: string) => string)[] = [
    (n) => `${n}e0`,
    (n) => `${n}e1`,
    (n) => `${n}E2`,
    (n) => `${n}.0`,
    (n) => `${n}.5`,
    (n) => `${n}.`,
    (n) => `.${n}`,
    (n) => ` ${n}`,
    (n) => `${n} `,
    (n) => `\t${n}`,
    (n) => `${n}\n`,
    (n) => `+${n}`,
    (n) => `-${n}`,
    (n) => `0x${n}`,
    (n) => `0X${n}`,
    (n) => `0b${n.replace(/[^01]/g, '1')}`,
    (n) => `0o${n.replace(/[89]/g, '7')}`,
    (n) => `${n}n`,
    (n) => `${n}_0`,
    (n) => `${n},000`,
    (n) => `${n}\u0000`,
    (n) => `\u00A0${n}`,
    (n) => [...n].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''), // full-width digits
    (n) => [...n].map((d) => String.fromCharCode(0x0660 + Number(d))).join(''), // Arabic-Indic digits
  ];
  return [
    ...bases.flatMap((n) => shapes.map((shape) => shape(n))),
    ...['1e20', '1e308', '1e309', '-0', '0', '00', 'Infinity', '-Infinity', 'NaN', '', ' ', 'one'],
    ...['9'.repeat(16), '1'.repeat(20), '1000000001', '99999999999999999999'],
    ['1'],
    ['1', '2'],
    { a: '1' },
  ];
}

describe('QueryInt', () => {
  it.each(malformedNumerals().map((v) => [JSON.stringify(v), v]))('rejects %s', (_shown, page) => {
    const { errors } = check({ page });
    expect(errors).toEqual(['page must be a whole number from 1 to 1000000000, written with digits only']);
  });

  it('generates a list worth the name', () => {
    expect(malformedNumerals().length).toBeGreaterThan(100);
  });

  it.each([
    ['1', 1],
    ['7', 7],
    ['01', 1],
    ['1000000000', 1_000_000_000],
  ])('accepts %j as %d', (page, n) => {
    expect(check({ page })).toEqual({ errors: [], value: expect.objectContaining({ page: n }) });
  });

  it('keeps the default when absent', () => {
    expect(check({}).value.page).toBe(1);
  });
});

describe('QuerySearch', () => {
  it.each(['\u0000', 'a\u0000b', '\u0000\u0000'])('rejects a NUL character in %j', (search) => {
    expect(check({ search }).errors).toEqual(['search must not contain the NUL character (U+0000)']);
  });
});
