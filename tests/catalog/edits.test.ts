import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/event-types.js';
import type { Listing } from '../../src/generated/prisma/client.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, LISTING_FIELDS, otherPrice, pushRoundsDone, seedListing, waitFor } from '../helpers/catalog.js';

const PRICE = `mutation($input: UpdateListingPriceInput!) { updateListingPrice(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`;
const STOCK = `mutation($input: UpdateListingStockInput!) { updateListingStock(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`;
const COST = `mutation($input: UpdateProductCostInput!) { updateProductCost(input: $input) { product { id cost hidden } ${ERRORS} } }`;
const HIDDEN = `mutation($input: SetProductHiddenInput!) { setProductHidden(input: $input) { product { id cost hidden } ${ERRORS} } }`;

let t: TestApp;
let sim: Simulator;
let accountId: string;
let operator: string;
let viewer: string;
const listings: Listing[] = [];

beforeAll(async () => {
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 11 });
  t = await startTestApp({}, { pushWorker: { pollMs: 50, baseDelayMs: 50, maxDelayMs: 500, connector: { retries: 0 } } });
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
  accountId = await createSimAccount(t, sim);
  for (let i = 0; i < 12; i++) listings.push(await seedListing(t.app.services.prisma, sim, accountId, i));
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

const prisma = () => t.app.services.prisma;
/** The API's Decimal text may drop trailing zeros ("12.5"); compare amounts at two places. */
const dec = (value: string) => Number(value).toFixed(2);
const changesOf = (entityId: string) => prisma().changeRecord.findMany({ where: { entityId }, orderBy: { createdAt: 'asc' } });

/** Everything an edit could touch, to compare before and after a refusal. */
async function snapshot() {
  const [listingRows, products, changes, jobs] = await Promise.all([
    prisma().listing.findMany({ orderBy: { id: 'asc' } }),
    prisma().product.findMany({ orderBy: { id: 'asc' } }),
    prisma().changeRecord.count(),
    prisma().pushJob.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return { listingRows, products, changes, jobs };
}

/** Collects the domain events published from now on. */
function collectEvents() {
  const events: DomainEvent[] = [];
  const iterator = t.app.services.events.subscribe(['listing.price_changed', 'listing.stock_changed']);
  void (async () => {
    for await (const event of iterator) events.push(event);
  })();
  return { events, stop: () => iterator.return(undefined) };
}

describe('updateListingPrice', () => {
  it('records the edit, pushes it to the marketplace and clears the edit marker once confirmed', async () => {
    const listing = listings[0]!;
    const before = sim.offer(listing.sku)!.price;
    const price = otherPrice(before, 7.5);
    const collected = collectEvents();
    const r = dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price } }, operator)).updateListingPrice;
    expect(r.errors).toEqual([]);
    expect(r.listing).toMatchObject({ id: listing.id, price, remotePrice: before });
    expect(r.listing.priceEditedAt).not.toBeNull();

    const [change] = await changesOf(listing.id);
    expect(change).toMatchObject({ entityType: 'Listing', field: 'price', oldValue: before, newValue: price, actor: 'test OPERATOR', source: 'USER' });

    await waitFor(() => sim.offer(listing.sku)!.price === price, { what: 'the simulator to hold the new price' });
    const confirmed = await waitFor(async () => {
      const row = await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } });
      return row.priceEditedAt === null ? row : null;
    }, { what: 'the edit marker to clear' });
    expect(confirmed.remotePrice.toFixed(2)).toBe(price);
    expect(confirmed.price.toFixed(2)).toBe(price);
    const jobs = await prisma().pushJob.findMany({ where: { listingId: listing.id } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'PRICE', value: price, status: 'DONE', attempts: 1, lastError: null });
    expect(jobs[0]!.finishedAt).not.toBeNull();

    await waitFor(() => collected.events.length > 0);
    collected.stop();
    expect(collected.events).toHaveLength(1);
    expect(collected.events[0]).toMatchObject({
      type: 'listing.price_changed',
      actor: 'test OPERATOR',
      payload: { listingId: listing.id, productId: listing.productId, accountId, sku: listing.sku, oldPrice: before, newPrice: price, source: 'USER' },
    });
  });

  it('normalizes the decimal and treats the same price as a no-op', async () => {
    const listing = listings[1]!;
    const current = sim.offer(listing.sku)!.price;
    const whole = String(Math.floor(Number(current)) + 3);
    const r = dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price: whole } }, operator)).updateListingPrice;
    expect(r.errors).toEqual([]);
    expect(dec(r.listing.price)).toBe(`${whole}.00`);
    expect(await changesOf(listing.id)).toMatchObject([{ oldValue: current, newValue: `${whole}.00` }]);
    await waitFor(() => sim.offer(listing.sku)!.price === `${whole}.00`);
    await waitFor(async () => (await prisma().pushJob.count({ where: { listingId: listing.id, status: 'DONE' } })) === 1);

    const before = await snapshot();
    const requests = sim.stats().requests;
    const again = dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price: `${whole}.0` } }, operator)).updateListingPrice;
    expect(again.errors).toEqual([]);
    expect(dec(again.listing.price)).toBe(`${whole}.00`);
    await pushRoundsDone(t);
    expect(await snapshot()).toEqual(before);
    expect(sim.stats().requests).toBe(requests);
  });
});

describe('updateListingStock', () => {
  it('records the edit, pushes the stock and clears the marker', async () => {
    const listing = listings[2]!;
    const before = sim.offer(listing.sku)!.stock;
    const stock = before + 17;
    const collected = collectEvents();
    const r = dataOf(await t.gql(STOCK, { input: { listingId: listing.id, stock } }, operator)).updateListingStock;
    expect(r.errors).toEqual([]);
    expect(r.listing).toMatchObject({ stock, remoteStock: before });
    expect(r.listing.stockEditedAt).not.toBeNull();
    expect(await changesOf(listing.id)).toMatchObject([{ field: 'stock', oldValue: String(before), newValue: String(stock), actor: 'test OPERATOR', source: 'USER' }]);

    await waitFor(() => sim.offer(listing.sku)!.stock === stock, { what: 'the simulator to hold the new stock' });
    const row = await waitFor(async () => {
      const l = await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } });
      return l.stockEditedAt === null ? l : null;
    });
    expect(row).toMatchObject({ stock, remoteStock: stock });
    await waitFor(() => collected.events.length > 0);
    collected.stop();
    expect(collected.events[0]).toMatchObject({ type: 'listing.stock_changed', payload: { listingId: listing.id, oldStock: before, newStock: stock, source: 'USER' } });
  });

  it('accepts 0', async () => {
    const listing = listings[3]!;
    const r = dataOf(await t.gql(STOCK, { input: { listingId: listing.id, stock: 0 } }, operator)).updateListingStock;
    expect(r).toMatchObject({ errors: [], listing: { stock: 0 } });
    await waitFor(() => sim.offer(listing.sku)!.stock === 0);
    await waitFor(async () => (await prisma().pushJob.count({ where: { listingId: listing.id, status: 'DONE' } })) === 1);
    expect(await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } })).toMatchObject({ stock: 0, remoteStock: 0, stockEditedAt: null });
  });
});

describe('refusals change nothing', () => {
  it('refuses unknown ids, bad values and delisted listings with typed errors', async () => {
    const delisted = listings[4]!;
    await prisma().listing.update({ where: { id: delisted.id }, data: { status: 'DELISTED' } });
    const before = await snapshot();
    const requests = sim.stats().requests;
    const cases: [string, Record<string, unknown>, string, { code: string; field: string[] }][] = [
      [PRICE, { listingId: randomUUID(), price: '10.00' }, 'updateListingPrice', { code: 'NOT_FOUND', field: ['input', 'listingId'] }],
      [PRICE, { listingId: 'not-an-id', price: '10.00' }, 'updateListingPrice', { code: 'VALIDATION', field: ['input', 'listingId'] }],
      [PRICE, { listingId: listings[5]!.id, price: '0' }, 'updateListingPrice', { code: 'VALIDATION', field: ['input', 'price'] }],
      [PRICE, { listingId: listings[5]!.id, price: '-3.10' }, 'updateListingPrice', { code: 'VALIDATION', field: ['input', 'price'] }],
      [PRICE, { listingId: delisted.id, price: '10.00' }, 'updateListingPrice', { code: 'LISTING_DELISTED', field: ['input', 'listingId'] }],
      [STOCK, { listingId: listings[5]!.id, stock: -1 }, 'updateListingStock', { code: 'VALIDATION', field: ['input', 'stock'] }],
      [STOCK, { listingId: delisted.id, stock: 4 }, 'updateListingStock', { code: 'LISTING_DELISTED', field: ['input', 'listingId'] }],
      [STOCK, { listingId: randomUUID(), stock: 4 }, 'updateListingStock', { code: 'NOT_FOUND', field: ['input', 'listingId'] }],
      [COST, { productId: randomUUID(), cost: '1.00' }, 'updateProductCost', { code: 'NOT_FOUND', field: ['input', 'productId'] }],
      [COST, { productId: listings[5]!.productId, cost: '-1.00' }, 'updateProductCost', { code: 'VALIDATION', field: ['input', 'cost'] }],
      [HIDDEN, { productId: randomUUID(), hidden: true }, 'setProductHidden', { code: 'NOT_FOUND', field: ['input', 'productId'] }],
    ];
    for (const [mutation, input, name, error] of cases) {
      const r = dataOf(await t.gql(mutation, { input }, operator))[name];
      expect(r.errors, JSON.stringify(input)).toEqual([expect.objectContaining(error)]);
      expect(r.errors[0].message).toBeTruthy();
      expect(Object.values(r).filter((v) => v !== r.errors)).toEqual([null]);
    }
    // A malformed Decimal never reaches the service: the scalar refuses it.
    const bad = await t.gql(PRICE, { input: { listingId: listings[5]!.id, price: '12.345' } }, operator);
    expect(bad.errors?.length).toBeGreaterThan(0);
    await pushRoundsDone(t);
    expect(await snapshot()).toEqual(before);
    expect(sim.stats().requests).toBe(requests);
  });

  it("refuses a stock edit on a listing whose account allocates the stock pool (its stock is the pool's), and takes it again once the rule is OFF", async () => {
    const own = await startFastSimulator('STOREFRONT', { offers: 2, seed: 12 });
    try {
      const allocatedAccount = await createSimAccount(t, own);
      const listing = await seedListing(prisma(), own, allocatedAccount, 0);
      const RULE = `mutation($input: SetStockAllocationRuleInput!) { setStockAllocationRule(input: $input) { errors { code message } } }`;
      expect(dataOf(await t.gql(RULE, { input: { accountId: allocatedAccount, mode: 'SHARE', value: 50 } })).setStockAllocationRule.errors).toEqual([]);
      const before = await snapshot();
      const refused = dataOf(await t.gql(STOCK, { input: { listingId: listing.id, stock: 7 } }, operator)).updateListingStock;
      expect(refused.listing).toBeNull();
      expect(refused.errors).toEqual([expect.objectContaining({ code: 'LISTING_ALLOCATED', field: ['input', 'listingId'] })]);
      expect(refused.errors[0].message).toMatch(/stock pool/);
      expect(await snapshot()).toEqual(before);
      // The price is still the user's to edit.
      expect(dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price: otherPrice(String(listing.price)) } }, operator)).updateListingPrice.errors).toEqual([]);
      expect(dataOf(await t.gql(RULE, { input: { accountId: allocatedAccount, mode: 'OFF' } })).setStockAllocationRule.errors).toEqual([]);
      const taken = dataOf(await t.gql(STOCK, { input: { listingId: listing.id, stock: 7 } }, operator)).updateListingStock;
      expect(taken.errors).toEqual([]);
      expect(taken.listing.stock).toBe(7);
      await pushRoundsDone(t);
    } finally {
      await own.stop();
    }
  });

  it('is FORBIDDEN for a VIEWER and UNAUTHENTICATED without a token', async () => {
    const before = await snapshot();
    const listing = listings[5]!;
    for (const [mutation, input] of [
      [PRICE, { listingId: listing.id, price: '99.00' }],
      [STOCK, { listingId: listing.id, stock: 99 }],
      [COST, { productId: listing.productId, cost: '5.00' }],
      [HIDDEN, { productId: listing.productId, hidden: true }],
    ] as const) {
      const r = await t.gql(mutation, { input }, viewer);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await t.gql(mutation, { input }, null);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('product edits (local only)', () => {
  it('sets and clears the cost, recorded, never pushed', async () => {
    const productId = listings[6]!.productId;
    const requests = sim.stats().requests;
    const set = dataOf(await t.gql(COST, { input: { productId, cost: '12.5' } }, operator)).updateProductCost;
    expect(set).toMatchObject({ errors: [], product: { id: productId, hidden: false } });
    expect(dec(set.product.cost)).toBe('12.50');
    const same = dataOf(await t.gql(COST, { input: { productId, cost: '12.50' } }, operator)).updateProductCost;
    expect(dec(same.product.cost)).toBe('12.50');
    const cleared = dataOf(await t.gql(COST, { input: { productId, cost: null } }, operator)).updateProductCost;
    expect(cleared.product.cost).toBeNull();
    expect(await changesOf(productId)).toMatchObject([
      { entityType: 'Product', field: 'cost', oldValue: null, newValue: '12.50', actor: 'test OPERATOR', source: 'USER' },
      { entityType: 'Product', field: 'cost', oldValue: '12.50', newValue: null },
    ]);
    expect(await prisma().pushJob.count({ where: { listing: { productId } } })).toBe(0);
    expect(sim.stats().requests).toBe(requests);
  });

  it('hides and shows a product, recorded once per real change', async () => {
    const productId = listings[7]!.productId;
    for (const hidden of [true, true, false]) {
      const r = dataOf(await t.gql(HIDDEN, { input: { productId, hidden } }, operator)).setProductHidden;
      expect(r).toMatchObject({ errors: [], product: { hidden } });
    }
    expect(await changesOf(productId)).toMatchObject([
      { field: 'hidden', oldValue: 'false', newValue: 'true' },
      { field: 'hidden', oldValue: 'true', newValue: 'false' },
    ]);
  });
});

describe('changes history', () => {
  it('lists the newest changes first on products and listings, batched in one statement', async () => {
    const listing = listings[8]!;
    const base = Number(sim.offer(listing.sku)!.price);
    for (const bump of [1, 2, 3]) {
      expect(dataOf(await t.gql(PRICE, { input: { listingId: listing.id, price: (base + bump).toFixed(2) } }, operator)).updateListingPrice.errors).toEqual([]);
    }
    await t.gql(HIDDEN, { input: { productId: listing.productId, hidden: true } }, operator);

    const q = `query($id: ID!) { product(id: $id) { changes { field oldValue newValue actor source createdAt }
      listings { changes(first: 2) { field oldValue newValue } } } }`;
    const product = dataOf(await t.gql(q, { id: listing.productId }, viewer)).product;
    expect(product.changes).toMatchObject([{ field: 'hidden', oldValue: 'false', newValue: 'true', actor: 'test OPERATOR', source: 'USER' }]);
    expect(product.listings[0].changes).toEqual([
      { field: 'price', oldValue: (base + 2).toFixed(2), newValue: (base + 3).toFixed(2) },
      { field: 'price', oldValue: (base + 1).toFixed(2), newValue: (base + 2).toFixed(2) },
    ]);

    t.resetQueries();
    const page = dataOf(await t.gql(`{ products(first: 20) { edges { node { sku changes(first: 100) { field } listings { changes { field } } } } } }`, {}, viewer)).products;
    expect(page.edges.length).toBeGreaterThanOrEqual(12);
    expect(t.queries.filter((sql) => sql.includes('"ChangeRecord"'))).toHaveLength(2);

    const tooMany = await t.gql(`query($id: ID!) { product(id: $id) { changes(first: 1000) { field } } }`, { id: listing.productId }, viewer);
    // Capped at 100 (the complexity limit may refuse the request first).
    if (!tooMany.errors) expect(tooMany.data.product.changes.length).toBeLessThanOrEqual(100);
  });
});
