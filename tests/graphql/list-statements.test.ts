import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { listingData, seedAccount, seedOrder } from '../helpers/catalog-seed.js';

// Issue 17 item 2, every list side by side: units, work centers, batches, products with listings,
// orders with items, sync runs and sync logs are each read in the same number of statements for a
// page of 5 as for a page of 50, and count their rows only when the document selects totalCount.
let t: TestApp;
const ROWS = 60;

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  const centers = await Promise.all(Array.from({ length: ROWS }, (_, i) => prisma.workCenter.create({ data: { identifier: `LS-${i}`, name: `Lists ${i}` } })));
  for (const [i, center] of centers.entries()) {
    await prisma.batch.create({
      data: {
        taskDescription: `Task ${i}`, shift: 'Day', team: 'Team', batchNumber: i + 1, batchDate: new Date(Date.UTC(2026, 2, 1)), nomenclature: 'Item', eknCode: 'EKN',
        shiftStart: new Date(Date.UTC(2026, 2, 1, 6)), shiftEnd: new Date(Date.UTC(2026, 2, 1, 14)), workCenterId: center.id,
        units: { create: [{ code: `LS-${i}-a` }, { code: `LS-${i}-b` }] },
      },
    });
  }
  const accounts = [await seedAccount(t, 'lists emag', 'EMAG'), await seedAccount(t, 'lists ozon', 'OZON')];
  for (let i = 0; i < ROWS; i++) {
    const sku = `LS-SKU-${String(i).padStart(2, '0')}`;
    const product = await prisma.product.create({ data: { sku, name: `Product ${sku}` } });
    await prisma.listing.createMany({ data: accounts.map((a) => listingData({ productId: product.id, accountId: a.id, sku, stock: 3 })) });
    await seedOrder(t, {
      accountId: accounts[i % 2]!.id, externalId: `LS-${i}`, total: '21.00', placedAt: new Date(Date.UTC(2026, 4, 1, 0, i)),
      items: [{ sku, quantity: 1, price: '10.50' }, { sku: 'LS-UNKNOWN', quantity: 1, price: '10.50' }],
    });
    const run = await prisma.syncRun.create({
      data: { accountId: accounts[i % 2]!.id, scope: 'ALL', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', triggeredBy: 'test', status: 'PARTIAL' },
    });
    await prisma.syncLog.createMany({ data: [0, 1].map((k) => ({ runId: run.id, accountId: run.accountId, level: 'ERROR' as const, message: `log ${i}.${k}` })) });
  }
});
afterAll(() => t?.close());

/** Each list with the relations its screen shows beside a row, and the tables its statements read. */
const LISTS: { field: string; edges: string; tables: RegExp }[] = [
  { field: 'units', edges: 'edges { node { code batch { batchNumber workCenter { identifier } } } }', tables: /"(Batch|Unit|WorkCenter)"/ },
  { field: 'workCenters', edges: 'edges { node { identifier batches(first: 2) { edges { node { batchNumber units(first: 2) { edges { node { code } } } } } } } }', tables: /"(Batch|Unit|WorkCenter)"/ },
  { field: 'batches', edges: 'edges { node { batchNumber workCenter { identifier } units(first: 5) { edges { node { code } } } } }', tables: /"(Batch|Unit|WorkCenter)"/ },
  { field: 'products', edges: 'edges { node { sku listings { channel account { name } } } }', tables: /"(Product|Listing|MarketplaceAccount)"/ },
  { field: 'orders', edges: 'edges { node { externalId account { name } items { sku product { sku } } } }', tables: /"(Order|OrderItem|Product|Listing|MarketplaceAccount)"/ },
  { field: 'syncRuns', edges: 'edges { node { id account { name } errors(first: 5) { message } } }', tables: /"(SyncRun|SyncLog|MarketplaceAccount)"/ },
  { field: 'syncLogs', edges: 'edges { node { message account { name } } }', tables: /"(SyncLog|MarketplaceAccount)"/ },
];

/** The statements of one request that read the list's tables (not the workers' claims running beside it). */
async function reads(list: (typeof LISTS)[number], first: number, withTotal: boolean) {
  t.resetQueries();
  const data = dataOf(await t.gql(`query($first: Int) { ${list.field}(first: $first) { ${withTotal ? 'totalCount ' : ''}${list.edges} } }`, { first }));
  expect(data[list.field].edges).toHaveLength(first);
  if (withTotal) expect(data[list.field].totalCount).toBeGreaterThanOrEqual(ROWS);
  // A read may open with a comment naming it (the batch page's one statement does).
  return t.queries.filter((sql) => /^\s*(\/\*[^]*?\*\/\s*)?(SELECT|WITH)\b/i.test(sql) && !/FOR UPDATE|SKIP LOCKED/i.test(sql) && list.tables.test(sql));
}
const counting = (statements: string[]) => statements.filter((sql) => /\bcount\s*\(/i.test(sql));

describe('list statements', () => {
  for (const list of LISTS) {
    it(`reads ${list.field} in as many statements for 5 rows as for 50, with totalCount or without`, async () => {
      for (const withTotal of [false, true]) {
        const five = await reads(list, 5, withTotal);
        const fifty = await reads(list, 50, withTotal);
        expect(five.length).toBeGreaterThan(0);
        expect(fifty.length, `${withTotal ? 'with' : 'without'} totalCount:\n${fifty.join('\n')}`).toBe(five.length);
      }
    });

    it(`counts ${list.field} only when totalCount is selected`, async () => {
      const without = await reads(list, 5, false);
      expect(counting(without), without.join('\n')).toEqual([]);
      const withTotal = await reads(list, 5, true);
      expect(counting(withTotal).length, withTotal.join('\n')).toBeGreaterThan(0);
    });
  }
});
