import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter, mutate } from '../helpers/production.js';

let t: TestApp;
const prisma = () => t.app.services.prisma;

const close = (id: string) => mutate(t, 'closeBatch', 'CloseBatchInput', { id }, 'batch { id closed }');
const reopen = (id: string) => mutate(t, 'reopenBatch', 'ReopenBatchInput', { id }, 'batch { id closed }');
const onHand = async (productId: string) => dataOf(await t.gql(`query($id: ID!) { product(id: $id) { stock { onHand available } } }`, { id: productId })).product.stock;
const movementsOf = async (batchId: string, fields = 'reason quantity onHandAfter causeType product { sku }') =>
  dataOf(await t.gql(`query($c: String) { stockMovements(filter: { causeId: $c }) { edges { node { ${fields} } } } }`, { c: batchId })).stockMovements.edges.map(
    (e: any) => e.node,
  );

/** A batch of `units` units (`aggregated` of them aggregated) at a work center. */
async function batchWith(workCenterId: string, units: number, aggregated = 0, overrides: Record<string, unknown> = {}) {
  const { batch, errors } = await createBatch(t, batchInput(workCenterId, overrides));
  expect(errors).toEqual([]);
  await prisma().unit.createMany({
    data: Array.from({ length: units }, (_, i) => ({ code: `${batch.id}-${i}`, batchId: batch.id, aggregated: i < aggregated, aggregatedAt: i < aggregated ? new Date() : null })),
  });
  return batch.id as string;
}

let productA: string;
let workCenterId: string;

beforeAll(async () => {
  t = await startTestApp();
  productA = (await prisma().product.create({ data: { sku: 'SKU-A', name: 'Water 0.5 l' } })).id;
  workCenterId = (await createWorkCenter(t)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('production feeds the stock pool', () => {
  it('closing a batch of 20 units of SKU A posts +20; reopening and closing again never counts twice', async () => {
    const batchId = await batchWith(workCenterId, 20);
    expect(await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId, productId: productA }, 'batch { id product { sku } }')).toEqual({ batch: { id: batchId, product: { sku: 'SKU-A' } }, errors: [] });
    expect((await close(batchId)).errors).toEqual([]);
    expect(await onHand(productA)).toEqual({ onHand: 20, available: 20 });
    expect(await movementsOf(batchId)).toEqual([{ reason: 'PRODUCTION', quantity: 20, onHandAfter: 20, causeType: 'BATCH', product: { sku: 'SKU-A' } }]);

    // A second close is refused and posts nothing.
    expect((await close(batchId)).errors[0].code).toBe('BATCH_ALREADY_CLOSED');
    expect(await onHand(productA)).toEqual({ onHand: 20, available: 20 });

    expect((await reopen(batchId)).errors).toEqual([]);
    expect(await onHand(productA)).toEqual({ onHand: 0, available: 0 });
    expect((await close(batchId)).errors).toEqual([]);
    expect((await reopen(batchId)).errors).toEqual([]);
    expect((await close(batchId)).errors).toEqual([]);
    expect(await onHand(productA)).toEqual({ onHand: 20, available: 20 });
    expect((await movementsOf(batchId)).map((m: any) => m.quantity)).toEqual([20, -20, 20, -20, 20]);
  });

  it('finds the product by the EKN code mapping, then by nomenclature, when the batch names none', async () => {
    const productB = (await prisma().product.create({ data: { sku: 'SKU-B', name: 'Juice' } })).id;
    const productC = (await prisma().product.create({ data: { sku: 'SKU-C', name: 'Tea' } })).id;
    const mapped = await mutate(t, 'setProductMapping', 'SetProductMappingInput', { field: 'EKN_CODE', value: 'EKN-B', productId: productB }, 'mapping { field value product { sku } }');
    expect(mapped).toEqual({ mapping: { field: 'EKN_CODE', value: 'EKN-B', product: { sku: 'SKU-B' } }, errors: [] });
    await mutate(t, 'setProductMapping', 'SetProductMappingInput', { field: 'NOMENCLATURE', value: 'Tea 1 l', productId: productC }, 'mapping { id }');

    const byEkn = await batchWith(workCenterId, 4, 0, { eknCode: 'EKN-B', nomenclature: 'Tea 1 l' });
    const byName = await batchWith(workCenterId, 6, 0, { eknCode: 'EKN-unmapped', nomenclature: 'Tea 1 l' });
    const unmapped = await batchWith(workCenterId, 5, 0, { eknCode: 'EKN-none', nomenclature: 'Nothing' });
    for (const id of [byEkn, byName, unmapped]) expect((await close(id)).errors).toEqual([]);
    expect(await onHand(productB)).toEqual({ onHand: 4, available: 4 });
    expect(await onHand(productC)).toEqual({ onHand: 6, available: 6 });
    expect(await movementsOf(unmapped)).toEqual([]);
  });

  it('a work center set to aggregated units posts only those', async () => {
    const productD = (await prisma().product.create({ data: { sku: 'SKU-D', name: 'Soda' } })).id;
    const center = (await createWorkCenter(t)).id;
    const set = await mutate(t, 'setWorkCenterStockFrom', 'SetWorkCenterStockFromInput', { workCenterId: center, stockFrom: 'AGGREGATED_UNITS' }, 'workCenter { stockFrom }');
    expect(set).toEqual({ workCenter: { stockFrom: 'AGGREGATED_UNITS' }, errors: [] });
    const batchId = await batchWith(center, 10, 3);
    await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId, productId: productD }, 'batch { id }');
    await close(batchId);
    expect(await onHand(productD)).toEqual({ onHand: 3, available: 3 });
  });

  it('units aggregated after the batch closed reach the pool (work center on aggregated units)', async () => {
    const productF = (await prisma().product.create({ data: { sku: 'SKU-F', name: 'Kefir' } })).id;
    const center = (await createWorkCenter(t)).id;
    await mutate(t, 'setWorkCenterStockFrom', 'SetWorkCenterStockFromInput', { workCenterId: center, stockFrom: 'AGGREGATED_UNITS' }, 'workCenter { stockFrom }');
    const batchId = await batchWith(center, 10, 2);
    await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId, productId: productF }, 'batch { id }');
    await close(batchId);
    expect(await onHand(productF)).toEqual({ onHand: 2, available: 2 });
    // Aggregation of a closed batch is allowed (and usual: packing follows the shift).
    expect((await mutate(t, 'aggregateUnit', 'AggregateUnitInput', { batchId, code: `${batchId}-5` }, 'unit { aggregated }')).errors).toEqual([]);
    expect(await onHand(productF)).toEqual({ onHand: 3, available: 3 });
    expect((await mutate(t, 'aggregateBatch', 'AggregateBatchInput', { batchId }, 'aggregatedCount')).errors).toEqual([]);
    expect(await onHand(productF)).toEqual({ onHand: 10, available: 10 });
    // Reopening takes back all of it, closing again posts it once.
    await reopen(batchId);
    expect(await onHand(productF)).toEqual({ onHand: 0, available: 0 });
    await close(batchId);
    expect(await onHand(productF)).toEqual({ onHand: 10, available: 10 });
  });

  it('deleting a closed batch takes its units out of the pool, once', async () => {
    const productG = (await prisma().product.create({ data: { sku: 'SKU-G', name: 'Lemonade' } })).id;
    const batchId = await batchWith(workCenterId, 12);
    await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId, productId: productG }, 'batch { id }');
    await close(batchId);
    expect(await onHand(productG)).toEqual({ onHand: 12, available: 12 });
    const number = (await prisma().batch.findUniqueOrThrow({ where: { id: batchId } })).batchNumber;

    // Two deletes at once: one deletes, the other finds no batch; the units leave the pool once.
    const deletes = await Promise.all([0, 1].map(() => mutate(t, 'deleteBatch', 'DeleteBatchInput', { id: batchId }, 'batch { id }')));
    expect(deletes.map((d) => d.errors.map((e: any) => e.code)).sort()).toEqual([[], ['NOT_FOUND']]);
    expect(await onHand(productG)).toEqual({ onHand: 0, available: 0 });
    // Newest first: the ledger keeps the close and its reversal.
    expect(await movementsOf(batchId, 'reason quantity onHandAfter causeType note')).toEqual([
      { reason: 'PRODUCTION', quantity: -12, onHandAfter: 0, causeType: 'BATCH', note: `batch ${number} deleted` },
      { reason: 'PRODUCTION', quantity: 12, onHandAfter: 12, causeType: 'BATCH', note: `batch ${number} closed` },
    ]);
  });

  it('closing a batch publishes stock.changed with the product, its available and the cause', async () => {
    const productE = (await prisma().product.create({ data: { sku: 'SKU-E', name: 'Milk' } })).id;
    const batchId = await batchWith(workCenterId, 2);
    await mutate(t, 'setBatchProduct', 'SetBatchProductInput', { batchId, productId: productE }, 'batch { id }');
    const events = t.app.services.events.subscribe(['stock.changed']);
    const next = events[Symbol.asyncIterator]().next();
    await close(batchId);
    const event = (await next).value;
    expect(event.payload).toMatchObject({ productId: productE, sku: 'SKU-E', onHand: 2, reserved: 0, available: 2, cause: { reasons: ['PRODUCTION'], causeType: 'BATCH', causeIds: [batchId] } });
    await events.return?.();
  });
});
