/** Storefront simulator definition: one token, one stock figure per product, prices in RON. */
import { hexToken } from '../shared/random.js';
import type { ChannelDefinition } from '../shared/simulator.js';
import { storefrontProtocol } from './protocol.js';

export const storefrontDefinition: ChannelDefinition = {
  channel: 'STOREFRONT',
  // The proposal's default, 60 a minute per token; small bursts only.
  limits: { default: { limit: 60, periodMs: 60_000, burst: 5 } },
  warehouses: 1,
  priceRange: [500, 100_000],
  basePath: '',
  credentials: (seed) => ({ token: `sf_live_${hexToken(seed, 61, 40)}` }),
  externalId: (index) => String(index + 1),
  warehouseIds: ['default'],
  protocol: storefrontProtocol,
};
