import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader } from './webhook-signature';

describe('signatureHeader', () => {
  it("is Stripe's t=<ts>,v1=<HMAC-SHA256(secret, ts.body)>, one v1 per secret, current first", () => {
    const body = '{"id":"e1"}';
    const hmac = (secret: string) => createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(body, ['new'], 1700000000)).toBe(`t=1700000000,v1=${hmac('new')}`);
    expect(signatureHeader(body, ['new', 'old'], 1700000000)).toBe(
      `t=1700000000,v1=${hmac('new')},v1=${hmac('old')}`,
    );
    // A vector from openssl (`printf '1.x' | openssl dgst -sha256 -hmac secret`), not from node:crypto.
    expect(signatureHeader('x', ['secret'], 1)).toBe(
      't=1,v1=33270e99f50e3d3ec295e0d7185dc323a6231c2739f396d70e6b71ea6a435486',
    );
  });

  it('makes distinct secrets', () => {
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
