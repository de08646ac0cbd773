import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { writeListingPage } from '../../src/modules/sync/listing-writer.js';
import { writeOrderPage } from '../../src/modules/sync/order-writer.js';
import type { RemoteListing, RemoteOrder } from '../../src/connectors/index.js';

const listing = (n: number, overrides: Partial<RemoteListing> = {}): RemoteListing => ({
  externalId: `ext-${n}`,
  sku: `SKU-${n}`,
  name: `Offer ${n}`,
  price: '10.50',
  currency: 'RON',
  stock: n,
  stockByWarehouse: { main: n },
  status: 'ACTIVE',
  remoteStatus: 'active',
  remoteUpdatedAt: new Date('2026-11-01T00:00:00Z'),
  ...overrides,
});

describe('one bad record does not stop its page', () => {
  let t: TestApp;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const account = await t.app.services.prisma.marketplaceAccount.create({
      data: { channel: 'STOREFRONT', name: 'shop', baseUrl: 'http://127.0.0.1:9', credentialsEncrypted: t.app.services.cipher.encrypt({ token: 'x' }) },
    });
    accountId = account.id;
  });
  afterAll(() => t?.close());

  const write = (items: RemoteListing[]) =>
    t.app.services.prisma.$transaction((tx) => writeListingPage({ tx, accountId, runId: '00000000-0000-4000-8000-000000000000', strategy: 'REMOTE_PRIORITY', items, now: new Date() }));

  it('skips and reports invalid offers, writes the valid ones', async () => {
    const outcome = await write([
      listing(1),
      listing(2, { price: '-3' }),
      listing(3, { stock: -1 }),
      listing(4, { currency: 'lei' }),
      listing(5, { sku: '' }),
      listing(6),
    ]);
    expect(outcome.created).toBe(2);
    expect(outcome.failures.map((f) => f.externalId)).toEqual(['ext-2', 'ext-3', 'ext-4', 'ext-5']);
    expect(outcome.failures[0]!.reason).toMatch(/not a price/);
    expect(outcome.failures[2]!.reason).toMatch(/currency: must be an ISO 4217 code/);
    const stored = await t.app.services.prisma.listing.findMany({ where: { accountId }, orderBy: { externalId: 'asc' } });
    expect(stored.map((l) => l.externalId)).toEqual(['ext-1', 'ext-6']);
  });

  it('a later page with a bad copy of a stored offer leaves the stored values alone', async () => {
    const outcome = await write([listing(1, { price: 'abc' }), listing(6, { stock: 60, stockByWarehouse: { main: 60 } })]);
    expect({ updated: outcome.updated, failures: outcome.failures.length }).toEqual({ updated: 1, failures: 1 });
    const one = await t.app.services.prisma.listing.findFirstOrThrow({ where: { accountId, externalId: 'ext-1' } });
    expect({ price: one.price.toFixed(2), stock: one.stock }).toEqual({ price: '10.50', stock: 1 });
  });

  it('orders: a malformed order is reported, the others land with their lines', async () => {
    const order = (n: number, overrides: Partial<RemoteOrder> = {}): RemoteOrder => ({
      externalId: `o-${n}`,
      status: 'NEW',
      remoteStatus: 'pending',
      customer: { name: 'A', email: null, phone: null },
      items: [{ sku: 'SKU-1', externalProductId: 'ext-1', quantity: 2, price: '10.50' }],
      total: '21.00',
      currency: 'RON',
      placedAt: new Date('2026-11-02T10:00:00Z'),
      ...overrides,
    });
    const outcome = await t.app.services.prisma.$transaction((tx) =>
      writeOrderPage({ tx, accountId, runId: '00000000-0000-4000-8000-000000000000', strategy: 'REMOTE_PRIORITY', now: new Date(), announceNew: true, items: [order(1), order(2, { total: 'NaN' }), order(3, { items: [{ sku: 'SKU-1', externalProductId: 'x', quantity: 1.5, price: '1' }] })] }),
    );
    expect(outcome.created).toBe(1);
    expect(outcome.failures.map((f) => f.externalId)).toEqual(['o-2', 'o-3']);
    const stored = await t.app.services.prisma.order.findFirstOrThrow({ where: { accountId, externalId: 'o-1' }, include: { items: true } });
    expect(stored.items.map((i) => [i.sku, i.quantity, i.price.toFixed(2)])).toEqual([['SKU-1', 2, '10.50']]);
  });
});
