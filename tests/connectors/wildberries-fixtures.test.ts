/** The Wildberries specs' own example bodies (tests/fixtures/wildberries, see its README) parse with the connector's schemas. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFbwOrder, toListings, toOrder, wbSizeRef } from '../../src/connectors/wildberries/mapper.js';
import {
  cardErrorsAnswer,
  cardsAnswer,
  goodsAnswer,
  goodsHistoryAnswer,
  orderStatusAnswer,
  ordersAnswer,
  pingAnswer,
  statisticsOrdersAnswer,
  statisticsStocksAnswer,
  stockConflict,
  stocksAnswer,
  taskHistoryAnswer,
  uploadAnswer,
  warehousesAnswer,
} from '../../src/connectors/wildberries/schemas.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/wildberries/${name}.json`, import.meta.url), 'utf8'));

describe('Wildberries spec examples', () => {
  it.each([
    ['ping', pingAnswer],
    ['cards-list', cardsAnswer],
    ['cards-error-list', cardErrorsAnswer],
    ['goods-filter', goodsAnswer],
    ['upload-task-200', uploadAnswer],
    ['upload-task-208', uploadAnswer],
    ['upload-task-400-already-set', uploadAnswer],
    ['upload-task-400-ambiguous', uploadAnswer],
    ['history-tasks', taskHistoryAnswer],
    ['history-goods-task', goodsHistoryAnswer],
    ['warehouses', warehousesAnswer],
    ['stocks-read', stocksAnswer],
    ['stocks-409-subject-fbs', stockConflict],
    ['stocks-409-not-found', stockConflict],
    ['stocks-409-store-is-processing', stockConflict],
    ['orders-new', ordersAnswer.pick({ orders: true })],
    ['orders', ordersAnswer],
    ['orders-status', orderStatusAnswer],
    ['statistics-orders', statisticsOrdersAnswer],
    ['statistics-stocks', statisticsStocksAnswer],
  ] as const)('%s parses', (name, schema) => {
    const result = schema.safeParse(fixture(name));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('maps the examples to listings and orders', () => {
    const cards = cardsAnswer.parse(fixture('cards-list'));
    const listings = cards.cards.flatMap((card) => toListings(card, undefined, new Map()));
    expect(listings[0]?.content?.barcodes?.length).toBeGreaterThan(0);
    const orders = ordersAnswer.parse(fixture('orders'));
    expect(toOrder(orders.orders[0]!, undefined).currency).toBe('BYN'); // currencyCode 933 in the example
    const rows = statisticsOrdersAnswer.parse(fixture('statistics-orders'));
    expect(toFbwOrder(rows[0]!, undefined)).toMatchObject({ status: 'CANCELLED', placedAt: new Date('2022-03-04T15:08:31Z') });
  });

  it('builds an FBW line SKU as the listing does: the size of a multi-size card follows the vendor code', () => {
    const row = { ...statisticsOrdersAnswer.parse(fixture('statistics-orders'))[0]!, supplierArticle: 'SHIRT', techSize: 'M', barcode: '2000000000017' };
    const card = cardsAnswer.parse({
      cards: [{ nmID: 1234567, vendorCode: 'SHIRT', sizes: [{ chrtID: 11, techSize: 'S', skus: ['2000000000010'] }, { chrtID: 12, techSize: 'M', skus: ['2000000000017'] }] }],
      cursor: { total: 1 },
    }).cards[0]!;
    const listing = toListings(card, undefined, new Map()).find((l) => l.content?.barcodes?.includes('2000000000017'))!;
    // The card was found (its barcode's size is known): the line is that listing.
    expect(toFbwOrder(row, wbSizeRef(card, card.sizes[1]!)).items[0]).toMatchObject({ sku: listing.sku, externalProductId: listing.externalId });
    // Not found: still the listing's SKU when the report names a size; a sizeless one keeps the vendor code.
    expect(toFbwOrder(row, undefined).items[0]?.sku).toBe(listing.sku);
    expect(toFbwOrder({ ...row, techSize: '0' }, undefined).items[0]?.sku).toBe('SHIRT');
  });

  it('names the refused item of a 409 by barcode, as the spec shows', () => {
    expect(stockConflict.parse(fixture('stocks-409-subject-fbs'))[0]?.data?.[0]).toMatchObject({ sku: 'skuTest2' });
  });
});
