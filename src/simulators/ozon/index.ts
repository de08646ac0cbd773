/** Ozon simulator definitions: by default one Client-Id with two FBS warehouses settling in RUB. */
import { hash32, hexToken } from '../shared/random.js';
import type { ChannelDefinition } from '../shared/simulator.js';
import { ozonProtocol } from './protocol.js';
import { DEFAULT_SELLER, PRODUCT_ID_BASE, WAREHOUSE_IDS, type OzonSeller } from './seller.js';

export { isFboOrder } from './seller.js';

/** A simulator of one Ozon seller; tests vary the warehouses and settlement currency. */
export function ozonSimulator(overrides: Partial<OzonSeller> = {}): ChannelDefinition {
  const seller: OzonSeller = { ...DEFAULT_SELLER, ...overrides };
  if (!Number.isInteger(seller.warehouses) || seller.warehouses < 1 || seller.warehouses > WAREHOUSE_IDS.length) {
    throw new Error(`an Ozon simulator has 1..${WAREHOUSE_IDS.length} FBS warehouses`);
  }
  return {
    channel: 'OZON',
    // 50 req/s per Client-Id; /v2/products/stocks also 80 req/min (marketplaces.md §2.1).
    limits: {
      global: { limit: 50, periodMs: 1000, burst: 50 },
      'stocks-update': { limit: 80, periodMs: 60_000, burst: 10 },
    },
    warehouses: seller.warehouses,
    priceRange: [20_000, 5_000_000],
    basePath: '',
    credentials: (seed) => ({
      clientId: String(100_000 + (hash32(seed, 0, 31) % 900_000)),
      apiKey: [hexToken(seed, 32, 8), hexToken(seed, 33, 4), hexToken(seed, 34, 4), hexToken(seed, 35, 4), hexToken(seed, 36, 12)].join('-'),
    }),
    externalId: (index) => String(PRODUCT_ID_BASE + index),
    warehouseIds: WAREHOUSE_IDS.slice(0, seller.warehouses).map(String),
    protocol: (context) => ozonProtocol(context, seller),
  };
}

export const ozonDefinition: ChannelDefinition = ozonSimulator();
