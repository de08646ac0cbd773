/** The Wildberries specs' own example bodies (tests/fixtures/wildberries, see its README) parse with the connector's schemas. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFbwOrder, toListings, toOrder } from '../../src/connectors/wildberries/mapper.js';
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
    expect(toFbwOrder(rows[0]!, () => undefined)).toMatchObject({ status: 'CANCELLED', placedAt: new Date('2022-03-04T15:08:31Z') });
  });

  it('names the refused item of a 409 by barcode, as the spec shows', () => {
    expect(stockConflict.parse(fixture('stocks-409-subject-fbs'))[0]?.data?.[0]).toMatchObject({ sku: 'skuTest2' });
  });
});
