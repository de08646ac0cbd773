import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';

const STOCK = 'stock { onHand reserved safetyBuffer zeroStockThreshold available oversold byLocation { location { code kind } onHand reserved } }';
const MOVEMENT = 'reason quantity reservedChange onHandAfter reservedAfter causeType causeId actor note location { code }';

let t: TestApp;
let operator: string;
let viewer: string;
let productId: string;
const prisma = () => t.app.services.prisma;

const mutate = async (name: string, input: Record<string, unknown>, selection: string, token = operator) => {
  const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const r = await t.gql(`mutation($i: ${inputType}!) { ${name}(input: $i) { ${selection} ${ERRORS} } }`, { i: input }, token);
  return r.errors ? r : dataOf(r)[name];
};
const stockOf = async (id = productId) => dataOf(await t.gql(`query($id: ID!) { product(id: $id) { ${STOCK} } }`, { id }, viewer)).product.stock;
/** Every ledger row and balance: a refused change must leave both as they were. */
const ledger = async () => [await prisma().stockMovement.findMany({ orderBy: { seq: 'asc' } }), await prisma().stockBalance.findMany({ orderBy: [{ productId: 'asc' }, { locationId: 'asc' }] })];

beforeAll(async () => {
  t = await startTestApp();
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
  productId = (await prisma().product.create({ data: { sku: 'LEDGER-A', name: 'Ledger product A' } })).id;
});
afterAll(async () => {
  await t?.close();
});

describe('stock ledger', () => {
  it('starts at zero and counts an adjustment with its cause, actor and resulting on hand', async () => {
    expect(await stockOf()).toEqual({ onHand: 0, reserved: 0, safetyBuffer: 0, zeroStockThreshold: 0, available: 0, oversold: 0, byLocation: [] });
    const r = await mutate('adjustStock', { productId, quantity: 12, note: 'opening stock' }, `movements { ${MOVEMENT} }`);
    expect(r).toEqual({
      errors: [],
      movements: [{ reason: 'ADJUSTMENT', quantity: 12, reservedChange: 0, onHandAfter: 12, reservedAfter: 0, causeType: 'USER', causeId: 'test OPERATOR', actor: 'test OPERATOR', note: 'opening stock', location: { code: 'MAIN' } }],
    });
    expect(await stockOf()).toMatchObject({ onHand: 12, available: 12, byLocation: [{ location: { code: 'MAIN', kind: 'OWN' }, onHand: 12, reserved: 0 }] });
  });

  it('posts a request sent twice with the same idempotency key once', async () => {
    const first = await mutate('adjustStock', { productId, quantity: -2, idempotencyKey: 'retry-1' }, `movements { onHandAfter }`);
    const again = await mutate('adjustStock', { productId, quantity: -2, idempotencyKey: 'retry-1' }, `movements { onHandAfter }`);
    expect(first).toEqual({ errors: [], movements: [{ onHandAfter: 10 }] });
    // The same answer: the movement the first one posted.
    expect(again).toEqual({ errors: [], movements: [{ onHandAfter: 10 }] });
    expect((await stockOf()).onHand).toBe(10);
  });

  it('a count posts the difference to what was counted', async () => {
    const r = await mutate('countStock', { productId, counted: 7 }, `movements { reason quantity onHandAfter note }`);
    expect(r).toEqual({ errors: [], movements: [{ reason: 'COUNT', quantity: -3, onHandAfter: 7, note: 'counted 7' }] });
  });

  it('a transfer to a marketplace warehouse takes units out of the pool but keeps them tracked', async () => {
    const loc = await mutate('createStockLocation', { code: 'FBO-1', name: 'Ozon FBO Moscow', kind: 'MARKETPLACE' }, 'location { id code kind }');
    expect(loc.errors).toEqual([]);
    const main = await prisma().stockLocation.findUniqueOrThrow({ where: { code: 'MAIN' } });
    const r = await mutate('transferStock', { productId, fromLocationId: main.id, toLocationId: loc.location.id, quantity: 3 }, `movements { reason quantity onHandAfter location { code } }`);
    expect(r).toEqual({
      errors: [],
      movements: [
        { reason: 'TRANSFER', quantity: -3, onHandAfter: 4, location: { code: 'MAIN' } },
        { reason: 'TRANSFER', quantity: 3, onHandAfter: 3, location: { code: 'FBO-1' } },
      ],
    });
    expect(await stockOf()).toMatchObject({ onHand: 4, available: 4, byLocation: [{ location: { code: 'FBO-1', kind: 'MARKETPLACE' }, onHand: 3 }, { location: { code: 'MAIN' }, onHand: 4 }] });
  });

  it('refuses what it cannot do, changing nothing', async () => {
    const before = await ledger();
    const main = await prisma().stockLocation.findUniqueOrThrow({ where: { code: 'MAIN' } });
    const other = await prisma().stockLocation.findUniqueOrThrow({ where: { code: 'FBO-1' } });
    expect((await mutate('transferStock', { productId, fromLocationId: main.id, toLocationId: other.id, quantity: 5 }, 'movements { id }')).errors).toEqual([
      { code: 'INSUFFICIENT_STOCK', message: 'Only 4 on hand at the source location', field: ['input', 'quantity'] },
    ]);
    expect((await mutate('transferStock', { productId, fromLocationId: main.id, toLocationId: main.id, quantity: 1 }, 'movements { id }')).errors[0].code).toBe('SAME_LOCATION');
    expect((await mutate('adjustStock', { productId, quantity: 0 }, 'movements { id }')).errors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'quantity'] });
    expect((await mutate('adjustStock', { productId: crypto.randomUUID(), quantity: 1 }, 'movements { id }')).errors[0].code).toBe('PRODUCT_NOT_FOUND');
    expect((await mutate('countStock', { productId, counted: -1 }, 'movements { id }')).errors[0].code).toBe('VALIDATION');
    expect((await mutate('createStockLocation', { code: 'MAIN', name: 'again', kind: 'OWN' }, 'location { id }')).errors[0].code).toBe('DUPLICATE_LOCATION');
    // A viewer reads the pool but cannot change it.
    const denied = await mutate('adjustStock', { productId, quantity: 1 }, 'movements { id }', viewer);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await ledger()).toEqual(before);
  });

  it('the safety buffer holds units back from available', async () => {
    const r = await mutate('setStockSettings', { productId, safetyBuffer: 3 }, `product { ${STOCK} }`);
    expect(r.errors).toEqual([]);
    expect(r.product.stock).toMatchObject({ onHand: 4, safetyBuffer: 3, available: 1 });
  });

  it('lists movements newest first, filtered, with a total', async () => {
    const q = `query($f: StockMovementFilter) { stockMovements(filter: $f, first: 10) { totalCount edges { node { reason quantity } } } }`;
    const all = dataOf(await t.gql(q, { f: { productId } }, viewer)).stockMovements;
    expect(all.totalCount).toBe(5);
    expect(all.edges.map((e: any) => [e.node.reason, e.node.quantity])).toEqual([
      ['TRANSFER', 3],
      ['TRANSFER', -3],
      ['COUNT', -3],
      ['ADJUSTMENT', -2],
      ['ADJUSTMENT', 12],
    ]);
    const counts = dataOf(await t.gql(q, { f: { reasons: ['COUNT', 'ADJUSTMENT'], productId } }, viewer)).stockMovements;
    expect(counts.totalCount).toBe(3);
    const inventory = dataOf(await t.gql(`{ inventory(first: 10) { totalCount edges { node { sku stock { onHand available } } } } }`, {}, viewer)).inventory;
    expect(inventory).toEqual({ totalCount: 1, edges: [{ node: { sku: 'LEDGER-A', stock: { onHand: 4, available: 1 } } }] });
  });
});

describe('an idempotency key names one request', () => {
  const KEYED = 'movements { id reason quantity onHandAfter product { sku } location { code } }';
  let other: string;
  let second: string;
  beforeAll(async () => {
    other = (await prisma().product.create({ data: { sku: 'LEDGER-K', name: 'Keyed product' } })).id;
    second = (await mutate('createStockLocation', { code: 'KEY-2', name: 'Second warehouse', kind: 'OWN' }, 'location { id }')).location.id;
  });
  const reused = (key: string) => [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], message: expect.stringContaining(`"${key}"`) }];

  it('used again for another product, quantity or location: refused, nothing changes; the same request again: the same answer', async () => {
    const first = await mutate('adjustStock', { productId, quantity: 5, idempotencyKey: 'k-adjust' }, KEYED);
    expect(first.errors).toEqual([]);
    const before = await ledger();
    for (const input of [
      { productId: other, quantity: 5 },
      { productId, quantity: 6 },
      { productId, quantity: 5, locationId: second },
    ]) {
      expect(await mutate('adjustStock', { ...input, idempotencyKey: 'k-adjust' }, KEYED)).toEqual({ movements: null, errors: reused('k-adjust') });
    }
    expect(await mutate('countStock', { productId: other, counted: 3, idempotencyKey: 'k-adjust' }, KEYED)).toEqual({ movements: null, errors: reused('k-adjust') });
    expect(await ledger()).toEqual(before);
    expect(await mutate('adjustStock', { productId, quantity: 5, idempotencyKey: 'k-adjust' }, KEYED)).toEqual(first);

    const count = await mutate('countStock', { productId: other, counted: 4, idempotencyKey: 'k-count' }, KEYED);
    expect(count.movements).toMatchObject([{ reason: 'COUNT', quantity: 4, onHandAfter: 4 }]);
    expect(await mutate('countStock', { productId: other, counted: 4, idempotencyKey: 'k-count' }, KEYED)).toEqual(count);
    expect(await mutate('countStock', { productId: other, counted: 9, idempotencyKey: 'k-count' }, KEYED)).toEqual({ movements: null, errors: reused('k-count') });

    const main = (await prisma().stockLocation.findUniqueOrThrow({ where: { code: 'MAIN' } })).id;
    const transfer = { productId: other, fromLocationId: main, toLocationId: second, quantity: 1, idempotencyKey: 'k-transfer' };
    const moved = await mutate('transferStock', transfer, KEYED);
    expect(moved.movements.map((m: any) => m.quantity)).toEqual([-1, 1]);
    expect(await mutate('transferStock', transfer, KEYED)).toEqual(moved);
    expect(await mutate('transferStock', { ...transfer, fromLocationId: second, toLocationId: main }, KEYED)).toEqual({ movements: null, errors: reused('k-transfer') });
  });

  it('used on two products at the same moment: one is posted, the other refused with the typed error', async () => {
    const before = await stockOf(other);
    const both = await Promise.all([productId, other].map((p) => mutate('adjustStock', { productId: p, quantity: 1, idempotencyKey: 'k-race' }, KEYED)));
    expect(both.map((r: any) => (r.errors ? r.errors.map((e: any) => e.code ?? e.message) : r))).toEqual(expect.arrayContaining([['IDEMPOTENCY_KEY_REUSED'], []]));
    expect(await prisma().stockMovement.count({ where: { idempotencyKey: { endsWith: ':k-race' } } })).toBe(1);
    const posted = both.find((r: any) => r.errors?.length === 0);
    expect((await stockOf(other)).onHand).toBe(before.onHand + (posted.movements[0].product.sku === 'LEDGER-K' ? 1 : 0));
  });
});
