import { MAX_BODY_DEPTH, requestBodyProblem } from './request-body';

function nested(depth: number, kind: 'object' | 'array' | 'mixed'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    value = asArray ? [value] : { a: value };
  }
  return value;
}

describe('requestBodyProblem', () => {
  it.each(['object', 'array', 'mixed'] as const)(
    'accepts %s nesting up to the limit, refuses beyond',
    (kind) => {
      expect(requestBodyProblem(nested(MAX_BODY_DEPTH, kind))).toBeNull();
      for (const depth of [MAX_BODY_DEPTH + 1, 1000, 20_000, 200_000]) {
        expect(requestBodyProblem(nested(depth, kind))).toBe(
          `The request body is nested more than ${MAX_BODY_DEPTH} levels deep`,
        );
      }
    },
  );

  it('names the field of a string with a NUL character, at any position', () => {
    expect(requestBodyProblem({ code: 'A', name: 'x\u0000' })).toBe(
      'name must not contain the NUL character (U+0000)',
    );
    expect(requestBodyProblem({ items: [{ ok: 1 }, { name: ['a', '\u0000b'] }] })).toBe(
      'items[1].name[1] must not contain the NUL character (U+0000)',
    );
    expect(requestBodyProblem('\u0000')).toBe('the body must not contain the NUL character (U+0000)');
    expect(requestBodyProblem({ 'a\u0000': 1 })).toBe(
      '"a\\u0000": a property name must not contain the NUL character (U+0000)',
    );
  });

  it('accepts ordinary bodies', () => {
    for (const body of [{}, [], { a: [1, null, true, 'x', { b: '\u0001' }] }, 'text', 12, null]) {
      expect(requestBodyProblem(body)).toBeNull();
    }
  });
});
