/** Starting an Ozon simulator of a particular seller (warehouses, currency, key roles), for tests. */
import { buildSimulator, type Simulator, type SimulatorOptions } from '../shared/simulator.js';
import { FAST_LIMITS } from '../testing.js';
import { ozonSimulator } from './index.js';
import type { OzonSeller } from './seller.js';

export type { MethodFamily, OzonSeller } from './seller.js';

export function startOzonSeller(seller: Partial<OzonSeller>, options: SimulatorOptions = {}): Promise<Simulator> {
  return buildSimulator(ozonSimulator(seller), { rateLimits: FAST_LIMITS.OZON, ...options });
}
