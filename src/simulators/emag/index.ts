/** eMAG simulator definition: limits, ids and credentials of one seller login (MAIN or FBE). */
import { hexToken } from '../shared/random.js';
import type { ChannelDefinition } from '../shared/simulator.js';
import { emagProtocol } from './protocol.js';

export const emagDefinition: ChannelDefinition = {
  channel: 'EMAG',
  // 3 req/s for everything but orders, 12 req/s for orders (marketplaces.md §1.3).
  limits: {
    default: { limit: 3, periodMs: 1000, burst: 3 },
    orders: { limit: 12, periodMs: 1000, burst: 12 },
    find_by_eans: { limit: 5, periodMs: 1000, burst: 5 },
  },
  warehouses: 1,
  priceRange: [1_000, 200_000],
  basePath: '/api-3',
  credentials: (seed, fulfillment) => ({
    username: `emag-${fulfillment.toLowerCase()}-${seed}@seller.test`,
    password: hexToken(seed, fulfillment === 'FBE' ? 2 : 1, 24),
  }),
  externalId: (index) => String(index + 1),
  warehouseIds: ['1', '2', '3'],
  protocol: emagProtocol,
};
