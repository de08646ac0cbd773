import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';

// Two people moving units of one product between the same two locations in opposite directions at
// the same moment: both transfers go through, none fails with a database deadlock.

let t: TestApp;
let operator: string;
let productId: string;
let main: string;
let second: string;
const prisma = () => t.app.services.prisma;

const transfer = async (fromLocationId: string, toLocationId: string) => {
  const r = await t.gql(`mutation($i: TransferStockInput!) { transferStock(input: $i) { movements { quantity } ${ERRORS} } }`, { i: { productId, fromLocationId, toLocationId, quantity: 1 } }, operator);
  return r.errors ? r.errors.map((e: any) => e.message) : dataOf(r).transferStock.errors;
};

beforeAll(async () => {
  t = await startTestApp();
  operator = await t.tokenFor('OPERATOR');
  productId = (await prisma().product.create({ data: { sku: 'XFER-A', name: 'Transfer product' } })).id;
  await t.gql(`mutation { adjustStock(input: { productId: "${productId}", quantity: 100 }) { ${ERRORS} } }`, {}, operator);
  main = (await prisma().stockLocation.findUniqueOrThrow({ where: { code: 'MAIN' } })).id;
  second = dataOf(await t.gql(`mutation { createStockLocation(input: { code: "SECOND", name: "Second warehouse", kind: OWN }) { location { id } } }`, {}, operator)).createStockLocation.location.id;
  await transfer(main, second);
  for (let i = 0; i < 30; i++) await transfer(main, second);
});
afterAll(async () => {
  await t?.close();
});

describe('transfers in opposite directions', () => {
  it('never deadlock', async () => {
    const failures: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all([transfer(main, second), transfer(second, main), transfer(main, second), transfer(second, main)]);
      failures.push(...results.flat());
    }
    expect(failures).toEqual([]);
    const balances = await prisma().stockBalance.findMany({ where: { productId } });
    expect(balances.reduce((n, b) => n + b.onHand, 0)).toBe(100);
  });
});
