/**
 * How a delivery is signed. One subscription secret (a string) serves two schemes:
 *
 *  - Stockline: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(key = UTF-8 bytes of the secret,
 *    message = X-Webhook-Timestamp + "." + raw body)>`.
 *  - Standard Webhooks (https://www.standardwebhooks.com): `webhook-signature: v1,<base64
 *    HMAC-SHA256(key = UTF-8 bytes of the secret, message = webhook-id + "." + webhook-timestamp
 *    + "." + raw body)>`. Libraries take the key as `whsec_<base64 key>`, so a receiver configures
 *    `whsec_` + base64(UTF-8 bytes of the secret); createWebhook and rotateWebhookSecret return
 *    that string too (`standardWebhooksSecret`).
 *
 * webhook-id = X-Webhook-Id = the delivery id; webhook-timestamp = X-Webhook-Timestamp = unix seconds.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret: 32 random bytes, base64url (43 characters). */
export const generateWebhookSecret = () => randomBytes(32).toString('base64url');

/** The secret in the form Standard Webhooks libraries expect. */
export const standardWebhooksSecret = (secret: string) => `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`;

export function stocklineSignature(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export function standardSignature(secret: string, id: string, timestamp: number | string, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

/**
 * Every header a delivery carries. `previous`: secrets still in their grace period after a
 * rotation; each adds its own `v1,` entry to webhook-signature (space-separated, as Standard
 * Webhooks specifies), so a receiver holding either secret verifies. X-Webhook-Signature carries
 * the current secret's only.
 */
export function signedHeaders(secret: string, delivery: { id: string; eventType: string; body: string }, timestamp: number, previous: readonly string[] = []): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Stockline-Webhooks/1',
    'x-webhook-event': delivery.eventType,
    'x-webhook-id': delivery.id,
    'x-webhook-timestamp': String(timestamp),
    'x-webhook-signature': stocklineSignature(secret, timestamp, delivery.body),
    'webhook-id': delivery.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': [secret, ...previous].map((key) => standardSignature(key, delivery.id, timestamp, delivery.body)).join(' '),
  };
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Checks `X-Webhook-Signature` (null when the header is absent). */
export function verifyStockline(secret: string, timestamp: string | null, signature: string | null, body: string): boolean | null {
  if (!signature) return null;
  if (!timestamp) return false;
  return sameText(stocklineSignature(secret, timestamp, body), signature.trim());
}

/** Checks `webhook-signature` (space-separated `v1,<base64>` entries; any one matching is enough). */
export function verifyStandard(secret: string, id: string | null, timestamp: string | null, signature: string | null, body: string): boolean | null {
  if (!signature) return null;
  if (!id || !timestamp) return false;
  const expected = standardSignature(secret, id, timestamp, body);
  return signature.split(' ').some((entry) => sameText(entry.trim(), expected));
}
