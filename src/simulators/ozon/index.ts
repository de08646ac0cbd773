/** Ozon simulator definition: one Client-Id with two FBS warehouses. */
import { hash32, hexToken } from '../shared/random.js';
import type { ChannelDefinition } from '../shared/simulator.js';
import { ozonProtocol, PRODUCT_ID_BASE, WAREHOUSE_IDS } from './protocol.js';

export const ozonDefinition: ChannelDefinition = {
  channel: 'OZON',
  // 50 req/s per Client-Id; /v2/products/stocks also 80 req/min (marketplaces.md §2.1).
  limits: {
    global: { limit: 50, periodMs: 1000, burst: 50 },
    'stocks-update': { limit: 80, periodMs: 60_000, burst: 10 },
  },
  warehouses: 2,
  priceRange: [20_000, 5_000_000],
  basePath: '',
  credentials: (seed) => ({
    clientId: String(100_000 + (hash32(seed, 0, 31) % 900_000)),
    apiKey: [hexToken(seed, 32, 8), hexToken(seed, 33, 4), hexToken(seed, 34, 4), hexToken(seed, 35, 4), hexToken(seed, 36, 12)].join('-'),
  }),
  externalId: (index) => String(PRODUCT_ID_BASE + index),
  warehouseIds: WAREHOUSE_IDS.map(String),
  protocol: ozonProtocol,
};
