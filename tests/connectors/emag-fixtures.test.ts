/** The example bodies of the eMAG API v4.4.9 text (tests/fixtures/emag/README.md) parse and map. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toListing, toOrder } from '../../src/connectors/emag/mapper.js';
import { platformOf } from '../../src/connectors/emag/platform.js';
import { envelopeHead, offersPage, ordersPage } from '../../src/connectors/emag/schemas.js';

const RO = platformOf({ baseUrl: 'https://marketplace-api.emag.ro/api-3' });
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/emag/${name}`, import.meta.url), 'utf8'));

describe('eMAG v4.4.9 example bodies', () => {
  it('the empty 200 answer is a successful envelope for offers and orders', () => {
    const body = fixture('envelope-empty.json');
    expect(envelopeHead.parse(body).isError).toBe(false);
    expect(offersPage.parse(body).results).toEqual([]);
    expect(ordersPage.parse(body).results).toEqual([]);
  });

  it('the 429 body is no envelope (the transport treats it by status)', () => {
    expect(envelopeHead.safeParse(fixture('rate-limit-429.json')).success).toBe(false);
  });

  it('product_offer/read: the documented offer parses and maps to a listing with its content', () => {
    const [offer] = offersPage.parse(fixture('product-offer-read.json')).results;
    const listing = toListing(offer!, RO);
    expect(listing).toMatchObject({
      externalId: '243409',
      sku: 'md788hc/a',
      name: 'Test product',
      price: '51.65',
      currency: 'RON',
      stock: 20,
      status: 'ACTIVE',
      content: { description: 'test', brand: 'Brand test', category: '506', images: ['http://valid-url.jpg'], barcodes: ['ean1', 'ean2'] },
    });
    // Status 4 is pending validation (the example's description notwithstanding); the price check failed.
    expect(listing.rejectionReasons).toEqual(['Invalid price']);
  });

  it('order/read: the documented order parses; its line is matched by offer id and ext_part_number', () => {
    const [order] = ordersPage.parse(fixture('order-read.json')).results;
    const mapped = toOrder(order!, RO);
    expect(mapped.items).toEqual([{ sku: '682133frs', externalProductId: '3331', quantity: 2, price: '12.12' }]);
    expect(mapped.placedAt.toISOString()).toBe('1970-01-01T21:59:59.000Z');
    // 2 × 12.1234 (no VAT on the line) + 19.99 shipping − 8.0645 − 1.9355 voucher.
    expect(mapped.total).toBe('34.24');
  });
});
