/** Wildberries simulator definition: one token, two seller warehouses, whole-rouble prices. */
export { wildberriesControls, type WildberriesControls, type WbCategory } from './controls.js';
import { hexToken } from '../shared/random.js';
import type { ChannelDefinition } from '../shared/simulator.js';
import { CHRT_BASE, NM_BASE, WAREHOUSE_IDS, wildberriesProtocol } from './protocol.js';
export { wildberriesHostUrls } from './protocol.js';

export const wildberriesDefinition: ChannelDefinition = {
  channel: 'WILDBERRIES',
  // Token buckets per group as the specs state them (02-products, 03-orders-fbs, 12-reports).
  // /ping allows 3 per 30 s per host (01-general); one server stands for four hosts here.
  limits: {
    content: { limit: 100, periodMs: 60_000, burst: 5 },
    contentErrors: { limit: 10, periodMs: 60_000, burst: 5 },
    prices: { limit: 10, periodMs: 6_000, burst: 5 },
    stocks: { limit: 300, periodMs: 60_000, burst: 20 },
    orders: { limit: 300, periodMs: 60_000, burst: 20 },
    statisticsOrders: { limit: 1, periodMs: 60_000, burst: 1 },
    statisticsStocks: { limit: 1, periodMs: 60_000, burst: 1 },
    ping: { limit: 12, periodMs: 30_000, burst: 12 },
  },
  warehouses: 2,
  priceRange: [20_000, 5_000_000],
  wholePrices: true,
  singleUnitOrders: true,
  basePath: '',
  credentials: (seed) => ({ token: `eyJhbGciOiJFUzI1NiJ9.${hexToken(seed, 51, 48)}.${hexToken(seed, 52, 32)}` }),
  externalId: (index) => `${NM_BASE + index}:${CHRT_BASE + index}`,
  warehouseIds: WAREHOUSE_IDS.map(String),
  protocol: wildberriesProtocol,
};
