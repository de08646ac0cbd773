/**
 * The stock ledger is append-only in the database, not only in code: PostgreSQL (and PGlite) refuse
 * to update, delete or truncate a movement, whoever asks. Deleting a product still takes its ledger
 * with it (the foreign key's cascade).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { adjustStock } from '../../src/modules/inventory/inventory.service.js';

let t: TestApp;
let productId: string;
const prisma = () => t.app.services.prisma;
const actor = { tokenId: 'test', name: 'test', role: 'ADMIN' } as const;
const ledger = () => prisma().stockMovement.findMany({ orderBy: { seq: 'asc' } });

beforeAll(async () => {
  t = await startTestApp();
  productId = (await prisma().product.create({ data: { sku: 'APPEND-A', name: 'Append-only' } })).id;
  await adjustStock(t.app.services, actor, { productId, quantity: 10 });
  await adjustStock(t.app.services, actor, { productId, quantity: -3 });
});
afterAll(async () => {
  await t?.close();
});

describe('the stock ledger in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of a movement, changing nothing', async () => {
    const before = await ledger();
    expect(before).toHaveLength(2);
    await expect(prisma().$executeRaw`UPDATE "StockMovement" SET quantity = 99`).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(prisma().stockMovement.updateMany({ data: { note: 'edited' } })).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(prisma().$executeRaw`DELETE FROM "StockMovement"`).rejects.toThrow(/append-only: DELETE refused/);
    await expect(prisma().stockMovement.deleteMany({})).rejects.toThrow(/append-only: DELETE refused/);
    await expect(prisma().$executeRaw`TRUNCATE "StockMovement"`).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await ledger()).toEqual(before);
  });

  it('lets a product go with its ledger (the cascade of its deletion)', async () => {
    const other = (await prisma().product.create({ data: { sku: 'APPEND-B', name: 'Kept' } })).id;
    await adjustStock(t.app.services, actor, { productId: other, quantity: 4 });
    await prisma().product.delete({ where: { id: productId } });
    expect(await prisma().stockMovement.count({ where: { productId } })).toBe(0);
    expect(await prisma().stockMovement.count({ where: { productId: other } })).toBe(1);
  });
});
