/**
 * What the catalog page reads beyond the existing API (issue 18 item 1): each listing's push state
 * (`pushes`: queued, retrying, pushed, failed with the marketplace's message), the
 * `listing.push_updated` event the page follows it by, and the products filter `changedSince`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/event-types.js';
import type { Listing } from '../../src/generated/prisma/client.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, otherPrice, seedListing, waitFor } from '../helpers/catalog.js';

const PUSHES = 'pushes { kind value state attempts error nextAttemptAt finishedAt }';
const PRICE = `mutation($input: UpdateListingPriceInput!) { updateListingPrice(input: $input) { listing { id ${PUSHES} } errors { code message } } }`;
const STOCK = `mutation($input: UpdateListingStockInput!) { updateListingStock(input: $input) { listing { id ${PUSHES} } errors { code message } } }`;
const LISTING_PUSHES = `query($id: ID!) { product(id: $id) { listings { id ${PUSHES} } } }`;

let t: TestApp;
let sim: Simulator;
let accountId: string;
const listings: Listing[] = [];
const prisma = () => t.app.services.prisma;

beforeAll(async () => {
  t = await startTestApp({}, { pushWorker: { pollMs: 20, baseDelayMs: 100, maxAttempts: 2, connector: { retries: 0 } } });
  sim = await startFastSimulator('STOREFRONT', { offers: 20, seed: 31 });
  accountId = await createSimAccount(t, sim, 'catalog api storefront');
  for (let i = 0; i < 3; i++) listings.push(await seedListing(prisma(), sim, accountId, i));
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

function collectPushEvents() {
  const events: DomainEvent[] = [];
  const iterator = t.app.services.events.subscribe(['listing.push_updated']);
  void (async () => {
    for await (const event of iterator) events.push(event);
  })();
  return { events, stop: () => iterator.return(undefined) };
}

const pushesOf = async (listing: Listing) =>
  (dataOf(await t.gql(LISTING_PUSHES, { id: listing.productId })).product.listings as { id: string; pushes: Record<string, unknown>[] }[]).find((l) => l.id === listing.id)!.pushes;

describe('listing push state', () => {
  it('has none before an edit, is QUEUED by the edit, then PUSHED once the marketplace holds the value (with a listing.push_updated event)', async () => {
    const listing = listings[0]!;
    expect(await pushesOf(listing)).toEqual([]);
    const collected = collectPushEvents();
    const price = otherPrice(sim.offer(listing.sku)!.price, 4);
    const r = dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price } }, await t.tokenFor('OPERATOR'))).updateListingPrice;
    expect(r.errors).toEqual([]);
    // The payload is read right after the commit: the worker cannot have settled it yet unless it was quick.
    expect(['QUEUED', 'PUSHED']).toContain(r.listing.pushes[0].state);
    expect(r.listing.pushes[0]).toMatchObject({ kind: 'PRICE', value: price });

    await waitFor(() => sim.offer(listing.sku)!.price === price, { what: 'the price at the marketplace' });
    const [push] = await waitFor(async () => {
      const pushes = await pushesOf(listing);
      return pushes[0]?.state === 'PUSHED' ? pushes : null;
    }, { what: 'the push to read PUSHED' });
    expect(push).toMatchObject({ kind: 'PRICE', value: price, state: 'PUSHED', attempts: 1, error: null, nextAttemptAt: null });
    expect(push!.finishedAt).not.toBeNull();
    await waitFor(() => collected.events.length > 0, { what: 'the listing.push_updated event' });
    await collected.stop();
    expect(collected.events[0]).toMatchObject({ type: 'listing.push_updated', payload: { listingId: listing.id, accountId, kind: 'PRICE', value: price, state: 'PUSHED', attempts: 1 } });
  });

  it('is RETRYING with the error while the marketplace is down, then FAILED with the message once given up', async () => {
    const listing = listings[1]!;
    const collected = collectPushEvents();
    sim.setFaults({ errorRate: 1 });
    try {
      const r = dataOf(await t.gql(STOCK, { input: { listingId: listing.id, stock: 77 } })).updateListingStock;
      expect(r.errors).toEqual([]);
      await waitFor(() => collected.events.filter((e) => e.payload.state === 'FAILED').length === 1, { what: 'the push given up' });
    } finally {
      sim.setFaults({});
    }
    await collected.stop();
    expect(collected.events.map((e) => [e.payload.state, e.payload.attempts])).toEqual([
      ['RETRYING', 1],
      ['FAILED', 2],
    ]);
    expect(String(collected.events[0]!.payload.error)).not.toBe('');
    const [push] = await pushesOf(listing);
    expect(push).toMatchObject({ kind: 'STOCK', value: '77', state: 'FAILED', attempts: 2, nextAttemptAt: null });
    expect(push!.error).toBe(collected.events[1]!.payload.error);
    expect(sim.offer(listing.sku)!.stock).not.toBe(77);
  });

  it('reports the newest push of each kind, price first', async () => {
    const listing = listings[2]!;
    await t.gql(STOCK, { input: { listingId: listing.id, stock: 5 } });
    const price = otherPrice(sim.offer(listing.sku)!.price, 2);
    await t.gql(PRICE, { input: { listingId: listing.id, price: otherPrice(price, 1) } });
    await t.gql(PRICE, { input: { listingId: listing.id, price } });
    await waitFor(() => sim.offer(listing.sku)!.price === price && sim.offer(listing.sku)!.stock === 5, { what: 'both values at the marketplace' });
    const pushes = await waitFor(async () => {
      const p = await pushesOf(listing);
      return p.every((x) => x.state === 'PUSHED' || x.state === 'SUPERSEDED') && p.length === 2 ? p : null;
    });
    expect(pushes.map((p) => [p.kind, p.value])).toEqual([
      ['PRICE', price],
      ['STOCK', '5'],
    ]);
  });
});

describe('products changedSince', () => {
  const ids = async (since: Date, extra = '') =>
    (dataOf(await t.gql(`query($since: DateTime!) { products(first: 100, filter: { changedSince: $since ${extra} }) { totalCount edges { node { id } } } }`, { since: since.toISOString() })).products.edges as { node: { id: string } }[]).map((e) => e.node.id);

  it('lists the products whose own fields or listings changed at or after the time', async () => {
    const since = new Date(Date.now() + 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await ids(since)).toEqual([]);
    // A listing edit (price) and a product edit (hidden).
    await t.gql(STOCK, { input: { listingId: listings[0]!.id, stock: 3 } });
    await t.gql(`mutation($input: SetProductHiddenInput!) { setProductHidden(input: $input) { errors { code } } }`, { input: { productId: listings[1]!.productId, hidden: true } });
    expect((await ids(since)).sort()).toEqual([listings[0]!.productId, listings[1]!.productId].sort());
    expect(await ids(since, ', accountId: "00000000-0000-0000-0000-000000000000"')).toEqual([]);
    expect(await ids(new Date(Date.now() + 60_000))).toEqual([]);
  });
});
