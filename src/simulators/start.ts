/** Starting a simulator by channel. */
import { emagDefinition } from './emag/index.js';
import { ozonDefinition } from './ozon/index.js';
import { buildSimulator, type ChannelDefinition, type SimChannel, type Simulator, type SimulatorOptions } from './shared/simulator.js';
import { storefrontDefinition } from './storefront/index.js';
import { wildberriesDefinition } from './wildberries/index.js';

const DEFINITIONS: Record<SimChannel, ChannelDefinition> = {
  EMAG: emagDefinition,
  OZON: ozonDefinition,
  WILDBERRIES: wildberriesDefinition,
  STOREFRONT: storefrontDefinition,
};

export const SIM_CHANNELS = Object.keys(DEFINITIONS) as SimChannel[];

/** Starts one simulator on 127.0.0.1 (port 0 = any free port). Stop it with `stop()`. */
export function startSimulator(channel: SimChannel, options: SimulatorOptions = {}): Promise<Simulator> {
  const definition = DEFINITIONS[channel];
  if (!definition) return Promise.reject(new Error(`no simulator for channel ${String(channel)}`));
  return buildSimulator(definition, options);
}

/** The documented limits a simulator enforces by default, per group. */
export function simulatorLimits(channel: SimChannel) {
  return DEFINITIONS[channel].limits;
}

