/**
 * The worker claims ahead (webhook.worker.ts): a delivery may wait in its buffer while the webhook
 * changes. One the user disabled meanwhile (or deleted, paused from another instance, gave a new
 * secret or URL) is not sent as it was claimed: it goes back uncounted, and is claimed again as
 * the webhook now is (a disabled one: after the re-enable).
 */
import { expect, it } from 'vitest';
import { dataOf } from '../helpers/app.js';
import { bufferedDeliveries, oneSlotScenario, sentOrHandedBack } from './claim-ahead.js';

const scenario = oneSlotScenario();

it('deliveries claimed ahead of a webhook disabled meanwhile are not sent; they wait for the re-enable', { timeout: 30_000 }, async () => {
  const { t, r, release } = scenario;
  const id = await bufferedDeliveries(t, t, r, '/changed');
  const updated = dataOf(
    await t.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active } errors { code message } } }`, { i: { id, active: false } }),
  ).updateWebhook;
  expect(updated.errors).toEqual([]);
  release();
  expect(await sentOrHandedBack(t, r, id, '/changed')).toEqual({ success: 1, requests: 1 });
});
