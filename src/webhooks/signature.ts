import { createHmac, timingSafeEqual } from 'node:crypto';

// dbt Cloud signs a webhook by putting the HMAC-SHA256 of the raw request body, keyed with the
// subscription's secret, hex-encoded, in the `Authorization` header. Receivers written for dbt
// Cloud compute the same and compare; so do ours.

/** The `Authorization` header value for a body. */
export function webhookSignature(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Whether the header carries the body's signature (constant-time comparison). */
export function verifyWebhookSignature(
  body: string | Buffer,
  secret: string,
  header: string | null | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookSignature(body, secret), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
