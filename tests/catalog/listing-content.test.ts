import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteListing } from '../../src/connectors/index.js';
import { writeListingPage } from '../../src/modules/sync/listing-writer.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const listing = (n: number, overrides: Partial<RemoteListing> = {}): RemoteListing => ({
  externalId: `ext-${n}`,
  sku: `SKU-${n}`,
  name: `Offer ${n}`,
  price: '10.50',
  currency: 'RON',
  stock: n,
  stockByWarehouse: {},
  status: 'ACTIVE',
  remoteStatus: 'active',
  remoteUpdatedAt: new Date('2026-11-01T00:00:00Z'),
  ...overrides,
});

const content = {
  description: 'A sturdy oak desk.',
  brand: 'Stejar',
  category: 'Desks',
  images: ['https://img.example/1.jpg', 'https://img.example/2.jpg'],
  barcodes: ['5941234567890'],
};

let t: TestApp;
let viewer: string;
const accounts = {} as Record<'EMAG' | 'OZON', string>;

beforeAll(async () => {
  t = await startTestApp();
  viewer = await t.tokenFor('VIEWER');
  for (const channel of ['EMAG', 'OZON'] as const) {
    const account = await t.app.services.prisma.marketplaceAccount.create({
      data: { channel, name: channel, fulfillment: channel === 'EMAG' ? 'MAIN' : null, baseUrl: 'http://127.0.0.1:9', credentialsEncrypted: t.app.services.cipher.encrypt({ token: 'x' }) },
    });
    accounts[channel] = account.id;
  }
});
afterAll(() => t?.close());

const write = (channel: 'EMAG' | 'OZON', items: RemoteListing[]) =>
  t.app.services.prisma.$transaction((tx) =>
    writeListingPage({ tx, accountId: accounts[channel], runId: '00000000-0000-4000-8000-000000000000', strategy: 'REMOTE_PRIORITY', items, now: new Date() }),
  );
const stored = (channel: 'EMAG' | 'OZON', n: number) => t.app.services.prisma.listing.findFirstOrThrow({ where: { accountId: accounts[channel], externalId: `ext-${n}` } });

describe('listing content', () => {
  it('stores content and rejection reasons when given, keeps them when a page does not read them, and touches only changed rows', async () => {
    const created = await write('EMAG', [listing(1, { content, rejectionReasons: ['Image too small'] }), listing(2)]);
    expect(created.created).toBe(2);
    expect(await stored('EMAG', 1)).toMatchObject({ ...content, rejectionReasons: ['Image too small'] });
    expect(await stored('EMAG', 2)).toMatchObject({ description: null, brand: null, category: null, images: [], barcodes: [], rejectionReasons: [] });

    // A page that does not read content (e.g. a stock-only listing call) keeps what is stored.
    const without = await write('EMAG', [listing(1), listing(2)]);
    expect(without).toMatchObject({ updated: 0, unchanged: 2 });
    expect(await stored('EMAG', 1)).toMatchObject({ ...content, rejectionReasons: ['Image too small'] });

    // Content that changed is written; reasons reported empty clear the stored ones.
    const changed = await write('EMAG', [listing(1, { content: { ...content, brand: 'Fag' }, rejectionReasons: [] }), listing(2, { content, rejectionReasons: [] })]);
    expect(changed).toMatchObject({ updated: 2, unchanged: 0 });
    expect(await stored('EMAG', 1)).toMatchObject({ brand: 'Fag', rejectionReasons: [] });
    expect(await stored('EMAG', 2)).toMatchObject(content);

    const again = await write('EMAG', [listing(1, { content: { ...content, brand: 'Fag' }, rejectionReasons: [] }), listing(2, { content, rejectionReasons: [] })]);
    expect(again).toMatchObject({ updated: 0, unchanged: 2 });
  });

  it('gives a product a real name once one arrives, where it only had its SKU', async () => {
    await write('OZON', [listing(10, { name: 'SKU-10' })]);
    expect((await t.app.services.prisma.product.findUniqueOrThrow({ where: { sku: 'SKU-10' } })).name).toBe('SKU-10');
    await write('OZON', [listing(10, { name: 'Oak desk 120 cm' })]);
    expect((await t.app.services.prisma.product.findUniqueOrThrow({ where: { sku: 'SKU-10' } })).name).toBe('Oak desk 120 cm');
    // A real name is not replaced by a later listing's title.
    await write('EMAG', [listing(11, { sku: 'SKU-10', name: 'Birou stejar' })]);
    expect((await t.app.services.prisma.product.findUniqueOrThrow({ where: { sku: 'SKU-10' } })).name).toBe('Oak desk 120 cm');
  });

  it('serves content on listings and filters products by rejection and by barcode or brand', async () => {
    await write('OZON', [listing(20, { content: { brand: 'Other', barcodes: ['4600000000001'] }, rejectionReasons: ['Card under moderation'] })]);
    await write('EMAG', [listing(21, { rejectionReasons: ['Missing EAN'] })]);
    const q = `query($filter: ProductFilter) { products(filter: $filter, first: 50) { edges { node { sku listings { channel description brand category images barcodes rejectionReasons rejected } } } } }`;
    const skus = async (filter: Record<string, unknown>) =>
      dataOf(await t.gql(q, { filter }, viewer)).products.edges.map((e: { node: { sku: string } }) => e.node.sku).sort();

    expect(await skus({ channel: 'EMAG', rejected: true })).toEqual(['SKU-21']);
    expect(await skus({ rejected: true })).toEqual(['SKU-20', 'SKU-21']);
    expect(await skus({ channel: 'OZON', rejected: false })).toEqual(['SKU-10']);
    expect(await skus({ search: '4600000000001' })).toEqual(['SKU-20']);
    expect(await skus({ search: 'stej' })).toEqual(['SKU-2']);

    const one = dataOf(await t.gql(q, { filter: { search: 'SKU-1' } }, viewer)).products.edges.find((e: { node: { sku: string } }) => e.node.sku === 'SKU-1').node;
    expect(one.listings).toEqual([
      { channel: 'EMAG', description: content.description, brand: 'Fag', category: 'Desks', images: content.images, barcodes: content.barcodes, rejectionReasons: [], rejected: false },
    ]);
  });

  // Last: its rejected listing would count in the filters above.
  it('stores marketplace text holding NUL characters or lone surrogates without them, instead of failing the page', async () => {
    const dirty = { description: 'Oak\u0000 desk \uD800top', brand: 'Ste\u0000jar', category: 'Desks', images: ['https://img.example/\u00001.jpg'], barcodes: ['594\u00001'] };
    const result = await write('OZON', [listing(90, { content: dirty, rejectionReasons: ['bad\u0000 photo'] })]);
    expect(result.created).toBe(1);
    expect(await stored('OZON', 90)).toMatchObject({
      description: 'Oak desk top',
      brand: 'Stejar',
      images: ['https://img.example/1.jpg'],
      barcodes: ['5941'],
      rejectionReasons: ['bad photo'],
    });
  });
});
