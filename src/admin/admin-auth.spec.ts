import type { NextFunction, Request, Response } from 'express';
import { apiKeyMiddleware, basicPassword } from './admin-auth';

const KEY = 'ops-secret-0123456789';

function run(middleware: ReturnType<typeof apiKeyMiddleware>, headers: Record<string, string>) {
  const res = {
    statusCode: 200,
    headers: {} as Record<string, unknown>,
    body: undefined as unknown,
    setHeader(name: string, value: unknown) {
      this.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
    },
  };
  let passed = false;
  middleware(
    { headers } as unknown as Request,
    res as unknown as Response,
    (() => {
      passed = true;
    }) as NextFunction,
  );
  return { passed, res };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('apiKeyMiddleware', () => {
  const OTHER = 'tenant-secret-0123456789';
  const guarded = apiKeyMiddleware(
    [
      { name: 'ops', secret: KEY },
      { name: 'tenant', secret: OTHER },
    ],
    'dashboard',
    ['ops'],
  );

  it('lets everyone in when no keys are configured', () => {
    expect(run(apiKeyMiddleware([], 'dashboard', []), {}).passed).toBe(true);
  });

  it('accepts the key as X-API-Key, Bearer, or the password of Basic', () => {
    expect(run(guarded, { 'x-api-key': KEY }).passed).toBe(true);
    expect(run(guarded, { authorization: `Bearer ${KEY}` }).passed).toBe(true);
    expect(run(guarded, { authorization: basic('anyone', KEY) }).passed).toBe(true);
  });

  it('answers 403 to a valid key that is not an operator, however it is sent', () => {
    for (const headers of <Record<string, string>[]>[
      { 'x-api-key': OTHER },
      { authorization: `Bearer ${OTHER}` },
      { authorization: basic('ops', OTHER) },
    ]) {
      const { passed, res } = run(guarded, headers);
      expect(passed).toBe(false);
      expect(res.statusCode).toBe(403);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: expect.stringMatching(/operator/),
      });
    }
  });

  it('lets no key in when no key is an operator', () => {
    const none = apiKeyMiddleware([{ name: 'ops', secret: KEY }], 'dashboard', []);
    expect(run(none, { 'x-api-key': KEY }).res.statusCode).toBe(403);
  });

  it('answers 401 with a Basic challenge otherwise', () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { 'x-api-key': 'nope-nope-nope-nope' },
      { authorization: basic(KEY, '') },
      { authorization: basic('ops', `${KEY}x`) },
    ]) {
      const { passed, res } = run(guarded, headers);
      expect(passed).toBe(false);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toEqual(['Basic realm="dashboard", charset="UTF-8"', 'Bearer']);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });
});

describe('basicPassword', () => {
  it('reads the password, which may contain colons', () => {
    expect(basicPassword(basic('u', 'p:w'))).toBe('p:w');
    expect(basicPassword(`basic ${Buffer.from('u:pw').toString('base64')}`)).toBe('pw');
  });

  it('is null without one', () => {
    expect(basicPassword(undefined)).toBeNull();
    expect(basicPassword('Bearer abc')).toBeNull();
    expect(basicPassword(basic('u', ''))).toBeNull();
    expect(basicPassword(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeNull();
  });
});
