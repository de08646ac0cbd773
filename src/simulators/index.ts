/**
 * Marketplace simulators: fake eMAG, Ozon, Wildberries and storefront servers on loopback that
 * speak the real wire formats (shared/marketplaces.md), for tests, benchmarks and the
 * zero-configuration sandbox.
 */
export { SIM_CHANNELS, simulatorLimits, startSimulator } from './start.js';
export { startSandbox, type Sandbox, type SandboxAccount, type SandboxOptions } from './sandbox.js';
export type { DriftResult, OfferView, SimChannel, Simulator, SimulatorAccount, SimulatorOptions } from './shared/simulator.js';
export type { FaultConfig } from './shared/faults.js';
export type { LimitRule } from './shared/limits.js';
export type { SimulatorStats } from './shared/server.js';
