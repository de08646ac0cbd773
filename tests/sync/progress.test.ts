import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openSubscriptions, openWsClient } from '../helpers/ws-client.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { trigger, waitForRun } from '../helpers/sync.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';

const FINAL = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

describe('live sync progress over graphql-ws', () => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    sim = await startFastSimulator('STOREFRONT', { offers: 1500, seed: 3 });
    accountId = await createSimAccount(t, sim);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
    await sim?.stop();
  });

  function subscribe<T>(token: string, query: string, variables: Record<string, unknown>, field: string, until: (event: T) => boolean) {
    const client = openWsClient(t.url, token, { lazy: true });
    clients.push(client);
    const events: T[] = [];
    const done = new Promise<T[]>((resolve, reject) => {
      const stop = client.subscribe(
        { query, variables },
        {
          next: (msg) => {
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            const event = (msg.data as Record<string, T>)[field]!;
            events.push(event);
            if (until(event)) {
              stop();
              resolve(events);
            }
          },
          error: reject,
          complete: () => resolve(events),
        },
      );
    });
    return { done };
  }

  it('streams every page in order and ends with the final status', async () => {
    const viewer = await t.tokenFor('VIEWER');
    const open = await openSubscriptions(t);
    const progress = subscribe<any>(
      viewer,
      `subscription($accountId: ID) { syncProgress(accountId: $accountId) { runId accountId status phase pagesDone pagesTotal itemsDone created updated unchanged failed percent etaSeconds itemsPerSecond at } }`,
      { accountId },
      'syncProgress',
      (e) => FINAL.has(e.status),
    );
    const runs = subscribe<any>(viewer, `subscription($accountId: ID) { syncRunUpdated(accountId: $accountId) { id status created } }`, { accountId }, 'syncRunUpdated', (e) => FINAL.has(e.status));
    // graphql-ws acknowledges the connection before a subscription is live: wait until both listen.
    await waitFor(async () => (await openSubscriptions(t)) >= open + 2, { what: 'both subscriptions to be live' });

    const { runs: [run] } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
    const events = await progress.done;
    const final = await waitForRun(t, run.id);

    expect(events.every((e) => e.runId === run.id && e.accountId === accountId)).toBe(true);
    const pages = events.filter((e) => e.status === 'RUNNING');
    // One event per page (15 pages of 100), in page order, counters only growing.
    expect(pages.map((e) => e.pagesDone)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(pages.every((e) => e.pagesTotal === 15 && e.phase === 'PRODUCTS')).toBe(true);
    for (let i = 1; i < pages.length; i++) {
      expect(pages[i].percent).toBeGreaterThan(pages[i - 1].percent);
      expect(pages[i].created).toBeGreaterThan(pages[i - 1].created);
      expect(new Date(pages[i].at).getTime()).toBeGreaterThanOrEqual(new Date(pages[i - 1].at).getTime());
    }
    expect(pages.at(-1).percent).toBeLessThan(100);
    expect(pages.slice(1).every((e) => typeof e.etaSeconds === 'number' && e.itemsPerSecond > 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', percent: 100, created: 1500, pagesDone: 15, etaSeconds: 0 });
    expect(final.status).toBe('SUCCESS');

    // Transitions arrive in order (PENDING may precede the subscription going live on a busy machine).
    const statuses = (await runs.done).map((r) => r.status);
    expect(statuses.filter((s, i) => s !== statuses[i - 1])).toEqual(statuses[0] === 'PENDING' ? ['PENDING', 'RUNNING', 'SUCCESS'] : ['RUNNING', 'SUCCESS']);
  });

  it('subscribing to a run by id starts with its current state, so a late subscriber misses nothing', async () => {
    const token = await t.tokenFor('VIEWER');
    const { runs: [run] } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
    const final = await waitForRun(t, run.id);
    // Subscribed after the run finished: the one event is its final state.
    const late = subscribe<any>(token, `subscription($id: ID) { syncProgress(runId: $id) { runId status percent unchanged pagesDone } }`, { id: run.id }, 'syncProgress', (e) => FINAL.has(e.status));
    expect(await late.done).toEqual([{ runId: run.id, status: final.status, percent: 100, unchanged: 1500, pagesDone: 15 }]);
  });

  it('a subscription needs a token', async () => {
    const client = openWsClient(t.url, null, { lazy: true });
    clients.push(client);
    const outcome = await new Promise<any>((resolve) => {
      client.subscribe({ query: `subscription { syncProgress { runId } }` }, { next: (m) => resolve(m), error: (e) => resolve({ error: e }), complete: () => resolve(null) });
    });
    expect(JSON.stringify(outcome)).toMatch(/UNAUTHENTICATED|Authentication required|4403/);
  });
});
