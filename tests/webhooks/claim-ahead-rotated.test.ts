/**
 * The worker claims ahead (webhook.worker.ts): a delivery may wait in its buffer while its
 * webhook's secret is rotated. It is signed as the webhook is when it is sent, not as it was when
 * it was claimed: with the new secret, plus the previous one while its grace period lasts. Rotated
 * through this instance's API (honoured at once), and by another instance (a direct update of the
 * row, as its rotateWebhookSecret writes it, which this instance hears nothing about: honoured by
 * sends that start RECHECK_MS after it, the documented bound).
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { RECHECK_MS } from '../../src/modules/webhooks/webhook.worker.js';
import { generateWebhookSecret, standardWebhooksSecret, verifyStockline } from '../../src/modules/webhooks/webhook.signing.js';
import { startReceiver, type Receiver, type Received } from './receiver.js';

const EVENTS = 5;
const ERRORS = 'errors { code message field }';
let t: TestApp;
let r: Receiver;
/** Per receiver path: its first request is answered once this resolves. */
const holds = new Map<string, { held: Promise<void>; release: () => void }>();

function hold(path: string) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  holds.set(path, { held, release });
  return release;
}

beforeAll(async () => {
  // One slot: the first request holds it while the others wait claimed ahead.
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { concurrency: 1, pollMs: 100 } });
  r = await startReceiver(async (req, i, res) => {
    if (i === 0) await holds.get(req.path)?.held;
    res.writeHead(200).end();
  });
});
// Each test's deliveries are its own webhook's only.
afterEach(async () => {
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  for (const h of holds.values()) h.release();
  await t?.close();
  await r?.close();
});

function verifies(whsec: string, request: Received): boolean {
  try {
    new StandardWebhook(whsec).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** Creates the webhook, records EVENTS deliveries and waits until the first request holds the only slot (the others are claimed ahead). */
async function buffered(path: string) {
  const release = hold(path);
  const created = dataOf(
    await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } secret ${ERRORS} } }`, {
      i: { url: `${r.url}${path}`, events: ['batch.import_completed'], ordered: false },
    }),
  ).createWebhook;
  expect(created.errors).toEqual([]);
  const id: string = created.webhook.id;
  await transact(t.app.services, 'test', async (_tx, e) => {
    for (let n = 0; n < EVENTS; n++) e('batch.import_completed', { taskId: `${path}-${n}`, n });
  });
  await waitFor(() => r.on(path).length === 1, { what: 'the first request, holding the only slot' });
  expect(await t.app.services.prisma.webhookDelivery.count({ where: { subscriptionId: id, attempts: 1 } })).toBe(EVENTS);
  return { id, oldSecret: created.secret as string, release };
}

/** Releases the held request and returns the requests once every delivery succeeded. */
async function sent(id: string, path: string, release: () => void) {
  release();
  await waitFor(async () => (await t.app.services.prisma.webhookDelivery.count({ where: { subscriptionId: id, status: 'SUCCESS' } })) === EVENTS, { what: 'every delivery sent' });
  return r.on(path);
}

/** The first request went before the rotation (old secret only); every later one is signed with the new secret and, in the grace period, the old one too. */
function expectSignedAsAtSendTime(requests: Received[], oldSecret: string, newSecret: string) {
  const [first, ...later] = requests;
  expect(verifies(standardWebhooksSecret(oldSecret), first!)).toBe(true);
  expect(verifies(standardWebhooksSecret(newSecret), first!)).toBe(false);
  expect(later).toHaveLength(EVENTS - 1);
  for (const request of later) {
    const ts = String(request.headers['x-webhook-timestamp']);
    expect({
      entries: String(request.headers['webhook-signature']).split(' ').length,
      newVerifies: verifies(standardWebhooksSecret(newSecret), request),
      oldVerifies: verifies(standardWebhooksSecret(oldSecret), request),
      stocklineWithNew: verifyStockline(newSecret, ts, String(request.headers['x-webhook-signature']), request.body),
    }).toEqual({ entries: 2, newVerifies: true, oldVerifies: true, stocklineWithNew: true });
  }
}

it('deliveries claimed ahead of a rotation through the API are signed with the new secret (and the previous one in its grace period)', { timeout: 30_000 }, async () => {
  const path = '/rotated-here';
  const { id, oldSecret, release } = await buffered(path);
  const rotated = dataOf(
    await t.gql(`mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { secret ${ERRORS} } }`, { i: { id, graceSeconds: 3600 } }),
  ).rotateWebhookSecret;
  expect(rotated.errors).toEqual([]);
  expectSignedAsAtSendTime(await sent(id, path, release), oldSecret, rotated.secret);
});

it('deliveries claimed ahead of a rotation by another instance are signed with the new secret (and the previous one in its grace period)', { timeout: 30_000 }, async () => {
  const path = '/rotated-elsewhere';
  const { id, oldSecret, release } = await buffered(path);
  const prisma = t.app.services.prisma;
  const newSecret = generateWebhookSecret();
  const before = await prisma.webhookSubscription.findUniqueOrThrow({ where: { id } });
  // What rotateWebhookSecret writes, written by another instance (this one is not told).
  await prisma.webhookSubscription.update({
    where: { id },
    data: {
      secretEncrypted: t.app.services.cipher.encrypt({ secret: newSecret }),
      secretRotatedAt: new Date(),
      previousSecretEncrypted: before.secretEncrypted,
      previousSecretUntil: new Date(Date.now() + 3_600_000),
    },
  });
  const rotatedAt = Date.now();
  await waitFor(() => Date.now() > rotatedAt + RECHECK_MS, { what: 'the bound within which a change by another instance is honoured' });
  expectSignedAsAtSendTime(await sent(id, path, release), oldSecret, newSecret);
});
