import { createHmac } from 'node:crypto';
import { ForbiddenError } from '../common/domain-errors';
import { DownloadGrant, signDownloadToken, verifyDownloadToken } from './download-token';

const SECRET = 'a'.repeat(32);
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const grant: DownloadGrant = {
  key: 'exports/7b1c.csv',
  fileName: 'Relatório de erros.csv',
  contentType: 'text/csv; charset=utf-8',
  expiresAt: NOW / 1000 + 60,
};

function expectForbidden(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ForbiddenError);
  expect((thrown as ForbiddenError).status).toBe(403);
  expect((thrown as Error).message).toMatch(message);
}

/** Replaces the character at `index` with a different base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('download token', () => {
  it('round-trips a grant, including a non-ASCII file name', () => {
    const token = signDownloadToken(grant, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyDownloadToken(token, SECRET, NOW)).toEqual(grant);
  });

  it('keeps an absent content type absent', () => {
    const token = signDownloadToken({ ...grant, contentType: undefined }, SECRET);
    expect(verifyDownloadToken(token, SECRET, NOW).contentType).toBeUndefined();
  });

  it('refuses a tampered payload', () => {
    const [payload, signature] = signDownloadToken(grant, SECRET).split('.');
    const forged = Buffer.from(
      JSON.stringify({ k: 'uploads/someone-else.csv', f: 'x.csv', e: grant.expiresAt }),
    ).toString('base64url');
    expectForbidden(() => verifyDownloadToken(`${forged}.${signature}`, SECRET, NOW), /not valid/);
    expectForbidden(() => verifyDownloadToken(`${flip(payload, 3)}.${signature}`, SECRET, NOW), /not valid/);
  });

  it('refuses a tampered signature, at any position', () => {
    const [payload, signature] = signDownloadToken(grant, SECRET).split('.');
    for (const index of [0, Math.floor(signature.length / 2), signature.length - 1]) {
      expectForbidden(
        () => verifyDownloadToken(`${payload}.${flip(signature, index)}`, SECRET, NOW),
        /not valid/,
      );
    }
    expectForbidden(
      () => verifyDownloadToken(`${payload}.${signature.slice(0, -1)}`, SECRET, NOW),
      /not valid/,
    );
    expectForbidden(() => verifyDownloadToken(`${payload}.${signature}=`, SECRET, NOW), /not valid/);
  });

  it('refuses a token signed with another secret', () => {
    const token = signDownloadToken(grant, 'b'.repeat(32));
    expectForbidden(() => verifyDownloadToken(token, SECRET, NOW), /not valid/);
  });

  it('refuses malformed tokens', () => {
    for (const token of ['', 'abc', 'a.b.c', '.', `${signDownloadToken(grant, SECRET)}.x`]) {
      expectForbidden(() => verifyDownloadToken(token, SECRET, NOW), /not valid/);
    }
  });

  it('refuses a correctly signed payload of the wrong shape', () => {
    const encoded = Buffer.from(JSON.stringify({ k: 1, f: 'x', e: 'soon' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(encoded).digest('base64url');
    expectForbidden(() => verifyDownloadToken(`${encoded}.${signature}`, SECRET, NOW), /not valid/);
  });

  it('is valid until its expiry second and refused after it', () => {
    const token = signDownloadToken(grant, SECRET);
    const expiresAtMs = grant.expiresAt * 1000;
    expect(verifyDownloadToken(token, SECRET, expiresAtMs - 1).key).toBe(grant.key);
    expect(verifyDownloadToken(token, SECRET, expiresAtMs).key).toBe(grant.key);
    expectForbidden(() => verifyDownloadToken(token, SECRET, expiresAtMs + 1), /expired/);
  });

  it('reports a forged token as invalid rather than expired, even when its expiry has passed', () => {
    const [payload, signature] = signDownloadToken(grant, SECRET).split('.');
    expectForbidden(
      () => verifyDownloadToken(`${payload}.${flip(signature, 0)}`, SECRET, (grant.expiresAt + 10) * 1000),
      /not valid/,
    );
  });
});
