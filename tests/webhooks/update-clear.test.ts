/**
 * updateWebhook: a field left out keeps its value, and null clears the optional settings that
 * have a "none" (maxPerSecond: no limit, contactEmail: nobody) — the dashboard's edit form needs
 * a way to remove them. A refused update (a bad value) changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const ERRORS = 'errors { code message field }';
const FIELDS = 'id maxPerSecond contactEmail description retryCount';
const UPDATE = `mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { ${FIELDS} } ${ERRORS} } }`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
});
afterAll(async () => {
  await t?.close();
});

describe('updateWebhook', () => {
  it('clears maxPerSecond and contactEmail given as null, keeps what is left out', async () => {
    const created = dataOf(
      await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { ${FIELDS} } ${ERRORS} } }`, {
        i: { url: 'http://127.0.0.1:9/hook', maxPerSecond: 5, contactEmail: 'ops@example.com', description: 'orders feed', retryCount: 3 },
      }),
    ).createWebhook;
    expect(created.errors).toEqual([]);
    const id = created.webhook.id;

    const kept = dataOf(await t.gql(UPDATE, { i: { id, retryCount: 4 } })).updateWebhook;
    expect(kept).toEqual({ webhook: { id, maxPerSecond: 5, contactEmail: 'ops@example.com', description: 'orders feed', retryCount: 4 }, errors: [] });

    const refused = dataOf(await t.gql(UPDATE, { i: { id, maxPerSecond: 0, contactEmail: null } })).updateWebhook;
    expect(refused.errors.map((e: { code: string }) => e.code)).toEqual(['VALIDATION']);

    const cleared = dataOf(await t.gql(UPDATE, { i: { id, maxPerSecond: null, contactEmail: null } })).updateWebhook;
    expect(cleared).toEqual({ webhook: { id, maxPerSecond: null, contactEmail: null, description: 'orders feed', retryCount: 4 }, errors: [] });
    const stored = await t.app.services.prisma.webhookSubscription.findUniqueOrThrow({ where: { id } });
    expect([stored.maxPerSecond, stored.contactEmail]).toEqual([null, null]);
  });
});
