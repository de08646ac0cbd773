/** The spec's example bodies (tests/fixtures/ozon) parse with the connector's schemas and map as expected. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { toListing, toOrder } from '../../src/connectors/ozon/mapper.js';
import {
  fboPostingAnswer,
  fboPostingsAnswer,
  postingsAnswer,
  priceItem,
  pricesAnswer,
  productInfoAnswer,
  productListAnswer,
  updateAnswer,
  warehouseListAnswer,
  warehouseStocksAnswer,
} from '../../src/connectors/ozon/schemas.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/ozon/${name}`, import.meta.url), 'utf8'));
const parse = <S extends z.ZodType>(schema: S, name: string): z.output<S> => schema.parse(fixture(name));

describe('Ozon spec examples', () => {
  it.each([
    ['product-list.json', productListAnswer],
    ['product-info-prices-v5.json', pricesAnswer],
    ['products-stocks-update.json', updateAnswer],
    ['product-import-prices.json', updateAnswer],
    ['posting-fbs-list.json', postingsAnswer],
    ['posting-fbo-list.json', fboPostingsAnswer],
    ['posting-fbo-get.json', fboPostingAnswer],
    ['product-info-list.schema-shaped.json', productInfoAnswer],
    ['stocks-by-warehouse-fbs.schema-shaped.json', warehouseStocksAnswer],
    ['warehouse-list.schema-shaped.json', warehouseListAnswer],
  ] as const)('%s parses', (name, schema) => {
    expect(schema.safeParse(fixture(name)).error).toBeUndefined();
  });

  it('product-info-prices-v5.json items parse one by one with priceItem', () => {
    const items = parse(pricesAnswer, 'product-info-prices-v5.json').items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(priceItem.safeParse(item).error).toBeUndefined();
  });

  it('maps a product from list + info/list + stocks-by-warehouse: per-warehouse keys, FBO apart, content, reasons', () => {
    const info = parse(productInfoAnswer, 'product-info-list.schema-shaped.json').items[0]!;
    const stocks = parse(warehouseStocksAnswer, 'stocks-by-warehouse-fbs.schema-shaped.json').result;
    const listing = toListing({ product_id: info.id, offer_id: info.offer_id, archived: false }, info, stocks);
    expect(listing).toMatchObject({
      name: 'Смарт-часы',
      price: '499.00',
      currency: 'RUB',
      stock: 10,
      stockByWarehouse: { '22142605386000': 8, '22142605387000': 2, fbo: 7 },
      status: 'INACTIVE',
      remoteStatus: 'failed_moderation',
      rejectionReasons: ['Бренд: Заполните обязательную характеристику'],
      content: {
        barcodes: ['4600000000017'],
        category: '17028922',
        images: ['https://cdn1.ozone.ru/s3/multimedia-1/6000000000.jpg', 'https://cdn1.ozone.ru/s3/multimedia-1/6000000001.jpg'],
      },
    });
  });

  it('maps the FBS and FBO posting examples to orders', () => {
    const fbs = toOrder(parse(postingsAnswer, 'posting-fbs-list.json').result.postings[0]!);
    expect(fbs).toMatchObject({ externalId: '05708065-0029-1', status: 'PROCESSING', total: '1390.00', currency: 'RUB' });
    const fbo = toOrder(parse(fboPostingsAnswer, 'posting-fbo-list.json').result[0]!);
    expect(fbo).toMatchObject({ externalId: '16965409-0014-1', status: 'DELIVERED', total: '81.00', items: [{ sku: '978-5-906864-56-7', externalProductId: '160249683', quantity: 1 }] });
    const one = toOrder(parse(fboPostingAnswer, 'posting-fbo-get.json').result);
    expect(one).toMatchObject({ externalId: '50520644-0012-7', status: 'DELIVERED', total: '137.00', items: [{ sku: 'PS1033', externalProductId: '254665483', quantity: 1 }] });
  });
});
