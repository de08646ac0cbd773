/**
 * The zero-configuration sandbox: five simulators (eMAG MAIN, eMAG FBE, Ozon, Wildberries,
 * storefront) with small catalogs that drift every minute, so a fresh `npm start` has accounts
 * with real syncs and changing data.
 */
import { startSimulator } from './start.js';
import type { Simulator, SimulatorAccount, SimulatorOptions } from './shared/simulator.js';

export interface SandboxOptions {
  /** Default 42. */
  seed?: number;
  /** Offers per catalog; default 200. */
  offers?: number;
  /** Automatic drift period in ms (0 = never); default 60 000. */
  driftEveryMs?: number;
  /** Extra options for every simulator (faults, limits…). */
  simulator?: SimulatorOptions;
}

export interface SandboxAccount extends SimulatorAccount {
  /** Display name for the account. */
  name: string;
}

export interface Sandbox {
  simulators: Simulator[];
  /** One account per simulator, ready for createConnector (ids are stable per seed). */
  accounts: SandboxAccount[];
  stop: () => Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 42;
  const base: SimulatorOptions = {
    seed,
    offers: options.offers ?? 200,
    driftEveryMs: options.driftEveryMs ?? 60_000,
    ...options.simulator,
  };
  const plan = [
    { name: 'eMAG (sandbox, MAIN)', id: 'sandbox-emag-main', channel: 'EMAG', extra: { fulfillment: 'MAIN' } },
    { name: 'eMAG (sandbox, FBE)', id: 'sandbox-emag-fbe', channel: 'EMAG', extra: { fulfillment: 'FBE' } },
    { name: 'Ozon (sandbox)', id: 'sandbox-ozon', channel: 'OZON', extra: {} },
    { name: 'Wildberries (sandbox)', id: 'sandbox-wildberries', channel: 'WILDBERRIES', extra: {} },
    { name: 'Storefront (sandbox)', id: 'sandbox-storefront', channel: 'STOREFRONT', extra: {} },
  ] as const;
  const simulators: Simulator[] = [];
  try {
    for (const entry of plan) simulators.push(await startSimulator(entry.channel, { ...base, ...entry.extra }));
  } catch (error) {
    await Promise.all(simulators.map((s) => s.stop()));
    throw error;
  }
  return {
    simulators,
    accounts: plan.map((entry, n) => ({ name: entry.name, ...(simulators[n] as Simulator).account(entry.id) })),
    stop: async () => {
      await Promise.all(simulators.map((s) => s.stop()));
    },
  };
}
