/**
 * Secret rotation with a grace period: the previous secret keeps signing beside the new one
 * (both in webhook-signature), so a receiver still holding only the old secret verifies with the
 * standardwebhooks library during the grace period, and fails after it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { transact } from '../../src/db/transaction.js';
import { startReceiver, type Receiver, type Received } from './receiver.js';

const ERRORS = 'errors { code message field }';

let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { pollMs: 100 } });
});
afterEach(async () => {
  await t.app.services.prisma.webhookSubscription.deleteMany();
});
afterAll(async () => {
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

const emit = (n: number) => transact(t.app.services, 'test', async (_tx, e) => e('batch.import_completed', { taskId: `r-${n}`, n }));

function verifies(secret: string, request: Received): boolean {
  try {
    new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

describe('secret rotation', () => {
  it('a receiver holding only the old secret verifies during the grace period and fails after it', { timeout: 20_000 }, async () => {
    const r = await startReceiver();
    receivers.push(r);
    const created = dataOf(
      await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } standardWebhooksSecret ${ERRORS} } }`, {
        i: { url: `${r.url}/rot`, events: ['batch.import_completed'] },
      }),
    ).createWebhook;
    const oldSecret: string = created.standardWebhooksSecret;
    const rotated = dataOf(
      await t.gql(`mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { standardWebhooksSecret webhook { previousSecretExpiresAt } ${ERRORS} } }`, {
        i: { id: created.webhook.id, graceSeconds: 2 },
      }),
    ).rotateWebhookSecret;
    expect(rotated.errors).toEqual([]);
    const newSecret: string = rotated.standardWebhooksSecret;
    const graceEnds = Date.parse(rotated.webhook.previousSecretExpiresAt);
    expect(graceEnds).toBeGreaterThan(Date.now());

    await emit(1);
    await waitFor(() => r.on('/rot').length === 1, { what: 'a delivery in the grace period' });
    const during = r.on('/rot')[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(oldSecret, during)).toBe(true);
    expect(verifies(newSecret, during)).toBe(true);

    await waitFor(() => Date.now() > graceEnds, { timeoutMs: 5000, what: 'the grace period to end' });
    await emit(2);
    await waitFor(() => r.on('/rot').length === 2, { what: 'a delivery after the grace period' });
    const after = r.on('/rot')[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(oldSecret, after)).toBe(false);
    expect(verifies(newSecret, after)).toBe(true);
  });
});
