import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { transact } from '../../src/db/transaction.js';
import { defaultLocationId, postMovements } from '../../src/modules/inventory/stock-ledger.js';

// Two stock-moving transactions that take the same two products in opposite order (A then B, and
// B then A) at the same moment: PostgreSQL ends one with a deadlock (40P01); transact() runs it
// again and both commit. PostgreSQL only: PGlite is one connection, its transactions never overlap.

let t: TestApp;
let productA: string;
let productB: string;
const prisma = () => t.app.services.prisma;

beforeAll(async () => {
  t = await startTestApp();
  productA = (await prisma().product.create({ data: { sku: 'DL-A', name: 'Deadlock A' } })).id;
  productB = (await prisma().product.create({ data: { sku: 'DL-B', name: 'Deadlock B' } })).id;
  // The main warehouse exists first: two transactions creating it at once would queue on its row.
  await prisma().$transaction((tx) => defaultLocationId(tx));
});
afterAll(async () => {
  await t?.close();
});

/** A promise and its resolver. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

describe('transact', () => {
  it('runs again a transaction PostgreSQL ended with a deadlock, so both of two crossing ones commit', async () => {
    const locked = { [productA]: signal(), [productB]: signal() };
    const runs = { [productA]: 0, [productB]: 0 };
    /** Posts +1 of `first` then, once the other transaction holds `second`, +1 of `second`. */
    const crossing = (name: string, first: string, second: string) =>
      transact(t.app.services, 'test', async (tx) => {
        runs[first]!++;
        const locationId = await defaultLocationId(tx);
        const move = (productId: string) =>
          postMovements(tx, [{ productId, locationId, reason: 'ADJUSTMENT', quantity: 1, causeType: 'USER', causeId: 'test', actor: 'test', key: `${name}:${productId}` }]);
        await move(first);
        locked[first]!.fire();
        await locked[second]!.fired;
        await move(second);
      });
    const results = await Promise.allSettled([crossing('ab', productA, productB), crossing('ba', productB, productA)]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled']);
    // One of them was chosen as the deadlock's victim and ran twice.
    expect(runs[productA]! + runs[productB]!).toBe(3);
    const balances = await prisma().stockBalance.findMany({ where: { productId: { in: [productA, productB] } }, select: { onHand: true } });
    expect(balances.map((b) => b.onHand)).toEqual([2, 2]);
    expect(await prisma().stockMovement.count({ where: { productId: { in: [productA, productB] } } })).toBe(4);
  });
});
