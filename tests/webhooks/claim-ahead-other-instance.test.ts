/**
 * Instances sharing the event bus (Redis) hear each other's webhook changes at once: a webhook
 * disabled through one instance stops the deliveries another instance's worker claimed ahead for
 * it, without waiting for that worker's views to expire (recheckMs, here far longer than the test).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSharedDatabase, dataOf, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { redisPrefix } from '../../src/events/redis-prefix.js';
import { bufferedDeliveries, holdingReceiver, ONE_SLOT, sentOrHandedBack } from './claim-ahead.js';
import type { Receiver } from './receiver.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let shared: SharedDatabase;
let api: TestApp;
let worker: TestApp;
let r: Receiver;
let release: () => void = () => {};

beforeAll(async () => {
  shared = await createSharedDatabase('webhook-changed');
  const env = { ...shared.env, REDIS_URL, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
  // The change is made here; it runs no webhook worker.
  api = await startTestApp({ ...env, ROLE: 'api' });
  // Its views of webhooks never expire during the test: only the message from the other instance can drop them.
  worker = await startTestApp(env, { webhookWorker: { ...ONE_SLOT, recheckMs: 60_000 } });
  ({ receiver: r, release } = await holdingReceiver());
});
afterAll(async () => {
  release();
  await worker?.close();
  await api?.close();
  await r?.close();
  await shared?.drop();
});

it('a webhook disabled through another instance sends none of the deliveries claimed ahead for it', { timeout: 60_000 }, async () => {
  const id = await bufferedDeliveries(api, worker, r, '/elsewhere');
  // The worker's instance subscribed the channel at its start without waiting for Redis to confirm.
  const channel = `${redisPrefix({ DATABASE_URL: shared.env.DATABASE_URL, DATA_DIR: '', REDIS_PREFIX: undefined })}:webhook-changed`;
  await waitFor(async () => ((await api.app.services.redis!.pubsub('NUMSUB', channel)) as [string, number])[1] >= 1, { what: `a subscriber of ${channel}` });
  // It hears the change over Redis a moment after the mutation answered: the held request is
  // released once it has (its views hear each message at the same moment as this stream).
  const heard = worker.app.services.events.webhookChangesElsewhere();
  const notice = heard.next(); // a Repeater listens from its first next()
  const updated = dataOf(
    await api.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active } errors { code message } } }`, { i: { id, active: false } }),
  ).updateWebhook;
  expect(updated.errors).toEqual([]);
  const unheard = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => {
      const redisLines = [...api.logs, ...worker.logs].filter((line) => line.includes('"component":"redis"'));
      reject(new Error(`the worker's instance did not hear the change within 15 s (Redis: api ${api.app.services.redis?.status}, worker ${worker.app.services.redis?.status}; ${redisLines.join(' ') || 'no Redis log lines'})`));
    }, 15_000);
    void notice.finally(() => clearTimeout(timer));
  });
  expect((await Promise.race([notice, unheard])).value).toMatchObject({ webhookId: id });
  await heard.return(undefined);
  release();
  expect(await sentOrHandedBack(worker, r, id, '/elsewhere')).toEqual({ success: 1, requests: 1 });
});
