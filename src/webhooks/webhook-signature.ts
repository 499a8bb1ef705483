import { createHmac, randomBytes } from 'node:crypto';

/** Names of the headers every delivery carries. */
export const WEBHOOK_ID_HEADER = 'Webhook-Id';
export const WEBHOOK_SIGNATURE_HEADER = 'Webhook-Signature';

/** A new signing secret: 32 random bytes, prefixed so that a leaked one is recognisable. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, one v1 per secret
 * still valid (the current one first; during a rotation the previous one too), so a receiver that
 * still has the old secret keeps verifying until it switches.
 */
export function signatureHeader(body: string, secrets: string[], timestamp: number): string {
  const signed = `${timestamp}.${body}`;
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}
