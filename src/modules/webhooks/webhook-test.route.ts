/**
 * `POST /webhooks/test`: a receiver for trying webhook signatures out. It verifies the
 * `X-Webhook-Signature` (and, when present, the Standard Webhooks `webhook-signature`) over the
 * raw body and echoes what it received:
 *
 *   { valid, signatures: { xWebhookSignature, standardWebhooks }, event, id, timestamp,
 *     timestampAgeSeconds, body }
 *
 * (each signature check is true, false, or null when its header was absent; `valid` is true when
 * at least one was present and every present one verified; `body` is the parsed JSON, or the text
 * when it is not JSON). 200 when valid, 401 when not (so a webhook pointed here logs a failure).
 *
 * Which secret it checks against:
 *  - `X-Test-Secret: <secret>`: the secret you give (e.g. your receiver's configuration). No token
 *    needed: the endpoint reads and writes nothing of ours, it only computes HMACs you could compute
 *    yourself. A header, not a query parameter, so the secret stays out of access logs.
 *  - `?webhookId=<id>`: the stored secret of that webhook. Needs an ADMIN bearer token, like
 *    every other use of webhook secrets; the secret itself is never echoed.
 * Bodies over 1 MB are refused (413).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppServices } from '../../core/services.js';
import { authenticate } from '../access/token.service.js';
import { roleAtLeast } from '../access/roles.js';
import { isUuid } from '../../core/ids.js';
import { secretOf } from './webhook.service.js';
import { verifyStandard, verifyStockline } from './webhook.signing.js';
import { requestUrl } from '../../http/request-url.js';

export const WEBHOOK_TEST_PATH = '/webhooks/test';
const MAX_BODY_BYTES = 1024 * 1024;

export async function handleWebhookTest(req: IncomingMessage, res: ServerResponse, services: AppServices): Promise<boolean> {
  const url = requestUrl(req);
  if (url.pathname !== WEBHOOK_TEST_PATH) return false;
  if (req.method !== 'POST') {
    send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    return true;
  }
  const raw = await readBody(req);
  if (raw === null) {
    send(res, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
    return true;
  }

  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  let secret = header('x-test-secret');
  const webhookId = url.searchParams.get('webhookId');
  if (!secret && webhookId) {
    const auth = await authenticate(services, header('authorization'));
    if (auth.kind !== 'ok') {
      send(res, 401, { error: auth.kind === 'invalid' ? auth.reason : 'verifying against a stored secret needs an ADMIN token: send "Authorization: Bearer <token>"' });
      return true;
    }
    if (!roleAtLeast(auth.actor.role, 'ADMIN')) {
      send(res, 403, { error: `Forbidden: your token's role (${auth.actor.role}) may not read webhook secrets` });
      return true;
    }
    const webhook = isUuid(webhookId) ? await services.prisma.webhookSubscription.findUnique({ where: { id: webhookId }, select: { id: true, secretEncrypted: true } }) : null;
    if (!webhook) {
      send(res, 404, { error: `No webhook with id ${webhookId}` });
      return true;
    }
    try {
      secret = secretOf(services, webhook);
    } catch (error) {
      send(res, 500, { error: error instanceof Error ? error.message : String(error) });
      return true;
    }
  }
  if (!secret) {
    send(res, 400, { error: 'say which secret to verify with: an X-Test-Secret header, or ?webhookId=<id> with an ADMIN token' });
    return true;
  }

  const body = raw.toString('utf8');
  const timestamp = header('x-webhook-timestamp') ?? header('webhook-timestamp');
  const id = header('x-webhook-id') ?? header('webhook-id');
  const signatures = {
    xWebhookSignature: verifyStockline(secret, header('x-webhook-timestamp'), header('x-webhook-signature'), body),
    standardWebhooks: verifyStandard(secret, header('webhook-id'), header('webhook-timestamp'), header('webhook-signature'), body),
  };
  const checked = Object.values(signatures).filter((v) => v !== null);
  const valid = checked.length > 0 && checked.every(Boolean);
  let echoed: unknown = body;
  try {
    echoed = JSON.parse(body);
  } catch {
    // not JSON: echoed as text
  }
  const seconds = timestamp && /^\d+$/.test(timestamp) ? Number(timestamp) : null;
  send(res, valid ? 200 : 401, {
    valid,
    signatures,
    event: header('x-webhook-event'),
    id,
    timestamp: seconds,
    timestampAgeSeconds: seconds === null ? null : Math.floor(Date.now() / 1000) - seconds,
    body: echoed,
  });
  return true;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
