/**
 * Each eMAG country platform has its own zone and default currency (v4.4.9 "Platform" table:
 * RON for .ro and FashionDays RO, BGN for .bg and FashionDays BG, HUF for .hu): a field the
 * answer leaves out defaults to the account's platform, not to Romania.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toListing, toOrder } from '../../src/connectors/emag/mapper.js';
import { platformOf } from '../../src/connectors/emag/platform.js';
import { offersPage, ordersPage } from '../../src/connectors/emag/schemas.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/emag/${name}`, import.meta.url), 'utf8'));
const account = (baseUrl: string, timeZone?: string) => ({ id: 'a', channel: 'EMAG' as const, baseUrl, credentials: {}, ...(timeZone ? { options: { timeZone } } : {}) });

describe('eMAG platforms', () => {
  it('knows each host: zone and currency', () => {
    const cases: Array<[string, string, string]> = [
      ['https://marketplace-api.emag.ro/api-3', 'Europe/Bucharest', 'RON'],
      ['https://marketplace-api.emag.bg/api-3', 'Europe/Sofia', 'BGN'],
      ['https://marketplace-api.emag.hu/api-3', 'Europe/Budapest', 'HUF'],
      ['https://marketplace-ro-api.fashiondays.com/api-3', 'Europe/Bucharest', 'RON'],
      ['https://marketplace-bg-api.fashiondays.com/api-3', 'Europe/Sofia', 'BGN'],
      ['http://127.0.0.1:4000/api-3', 'Europe/Bucharest', 'RON'],
    ];
    for (const [baseUrl, zone, currency] of cases) expect(platformOf(account(baseUrl)), baseUrl).toEqual({ zone, currency });
  });

  it('lets the timeZone option win over the host', () => {
    expect(platformOf(account('https://marketplace-api.emag.ro/api-3', 'Europe/Budapest')).zone).toBe('Europe/Budapest');
  });

  it('an order line without currency on emag.hu is in HUF, an offer without currency on emag.bg in BGN', () => {
    const body = fixture('order-read.json') as { results: Array<{ products: Array<Record<string, unknown>> }> };
    delete body.results[0]!.products[0]!.currency;
    const [order] = ordersPage.parse(body).results;
    expect(toOrder(order!, platformOf(account('https://marketplace-api.emag.hu/api-3'))).currency).toBe('HUF');
    const offers = fixture('product-offer-read.json') as { results: Array<Record<string, unknown>> };
    delete offers.results[0]!.currency;
    const [offer] = offersPage.parse(offers).results;
    expect(toListing(offer!, platformOf(account('https://marketplace-api.emag.bg/api-3'))).currency).toBe('BGN');
  });
});
