/**
 * An account's listings follow the pool again the moment the account is enabled again (or its
 * allocation rule changes), not at the next movement of stock: a disabled account is left out of
 * allocation, so while it was off its listings kept the stock they had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, waitFor } from '../helpers/catalog.js';
import { syncNow } from '../helpers/sync.js';

let t: TestApp;
let sim: Simulator;
let accountId: string;
let productId: string;
let sku: string;
const prisma = () => t.app.services.prisma;

const mutate = async (name: string, inputType: string, input: Record<string, unknown>) => {
  const r = dataOf(await t.gql(`mutation($i: ${inputType}!) { ${name}(input: $i) { ${ERRORS} } }`, { i: input }))[name];
  expect(r.errors).toEqual([]);
};
const listingStock = async () => (await prisma().listing.findFirstOrThrow({ where: { accountId, productId }, select: { stock: true } })).stock;
const remoteShows = (stock: number) => waitFor(() => sim.offer(sku)!.stock === stock || undefined, { timeoutMs: 20_000, intervalMs: 50, what: `eMAG showing ${stock}` });

beforeAll(async () => {
  t = await startTestApp({}, { pushWorker: { pollMs: 50, baseDelayMs: 300 } });
  sim = await startFastSimulator('EMAG', { offers: 3, orders: 0, seed: 11 });
  accountId = await createSimAccount(t, sim, 'realloc eMAG');
  expect((await syncNow(t, accountId, { scope: 'PRODUCTS', mode: 'FULL' })).status).toBe('SUCCESS');
  sku = sim.catalog.get(0).sku;
  productId = (await prisma().product.findUniqueOrThrow({ where: { sku } })).id;
  await mutate('setStockAllocationRule', 'SetStockAllocationRuleInput', { accountId, mode: 'SHARE', value: 100 });
  await mutate('adjustStock', 'AdjustStockInput', { productId, quantity: 12 });
  await remoteShows(12);
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('reallocation of an account', () => {
  it('enabling a disabled account recomputes its listings and pushes them at once', async () => {
    await mutate('updateAccount', 'UpdateAccountInput', { id: accountId, enabled: false });
    await mutate('adjustStock', 'AdjustStockInput', { productId, quantity: -5 });
    await mutate('setStockAllocationRule', 'SetStockAllocationRuleInput', { accountId, mode: 'CAP', value: 4 });
    // Disabled: left out of allocation.
    expect(await listingStock()).toBe(12);

    await mutate('updateAccount', 'UpdateAccountInput', { id: accountId, enabled: true });
    expect(await listingStock()).toBe(4);
    await remoteShows(4);
  });

  it('changing the rule of an enabled account recomputes and pushes at once', async () => {
    await mutate('setStockAllocationRule', 'SetStockAllocationRuleInput', { accountId, mode: 'BUFFER', value: 2 });
    expect(await listingStock()).toBe(5);
    await remoteShows(5);
  });
});
