/**
 * Assembles one simulator: seeded catalog and orders, rate limits, faults and the HTTP core,
 * around a channel definition (routes, envelopes, ids). Returns the handle tests and the
 * sandbox drive.
 */
import { Catalog, minorToDecimal, type DriftOptions } from './catalog.js';
import { Faults, type FaultConfig } from './faults.js';
import { RateLimits, type LimitRule } from './limits.js';
import { OrderBook, type OrderDriftOptions } from './orders.js';
import { SimulatorServer, type ChannelProtocol, type SimulatorStats } from './server.js';

export type SimChannel = 'EMAG' | 'OZON' | 'WILDBERRIES' | 'STOREFRONT';

export interface SimulatorOptions {
  /** Seed of every generated value; default 1. */
  seed?: number;
  /** Catalog size, 1..1 000 000; default 1000. */
  offers?: number;
  /** Orders generated up front; default offers/10, between 20 and 2000. */
  orders?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted credentials; default derived from the seed. */
  credentials?: Record<string, string>;
  /** eMAG: which login this is (FBE orders have type 2); default MAIN. */
  fulfillment?: 'MAIN' | 'FBE';
  faults?: FaultConfig;
  /** Per-group overrides of the documented limits, or false to disable limiting. */
  rateLimits?: Partial<Record<string, LimitRule>> | false;
  /** Drift automatically this often (ms); default never. */
  driftEveryMs?: number;
  /** Share of offers each automatic drift changes; default 0.01. */
  driftFraction?: number;
  /** Ozon: ms before one product-warehouse pair's stock may change again; default 30 000. */
  stockCooldownMs?: number;
  /** Time untouched offers report as last changed; default 7 days before start. */
  baseTime?: number;
}

/** Everything a channel's routes work on. */
export interface SimContext {
  seed: number;
  catalog: Catalog;
  orders: OrderBook;
  faults: Faults;
  limits: RateLimits;
  credentials: Record<string, string>;
  fulfillment: 'MAIN' | 'FBE';
  options: SimulatorOptions;
  /** Whether listing page `page` should be answered malformed (counted in stats when so). */
  malformed: (page: number) => boolean;
}

export interface ChannelDefinition {
  channel: SimChannel;
  /** Documented limits per group, with the bucket size the simulator allows. */
  limits: Record<string, LimitRule>;
  warehouses: number;
  priceRange: [number, number];
  wholePrices?: boolean;
  singleUnitOrders?: boolean;
  /** Mount point of the API, e.g. `/api-3` for eMAG. */
  basePath: string;
  credentials: (seed: number, fulfillment: 'MAIN' | 'FBE') => Record<string, string>;
  /** The connector-side externalId of catalog offer `index`. */
  externalId: (index: number) => string;
  /** Warehouse ids as the connector reports them, by warehouse position. */
  warehouseIds: string[];
  protocol: (context: SimContext) => ChannelProtocol;
}

/** An offer as a test reads it back: channel ids, decimal price, stock per warehouse id. */
export interface OfferView {
  sku: string;
  externalId: string;
  price: string;
  stock: number;
  stockByWarehouse: Record<string, number>;
  status: string;
  updatedAt: Date;
}

export interface DriftResult {
  /** SKUs whose price or stock changed. */
  offers: string[];
  orders: { created: number[]; updated: number[] };
}

/** The account shape connectors take (see src/connectors/connector.ts). */
export interface SimulatorAccount {
  id: string;
  channel: SimChannel;
  fulfillment?: 'MAIN' | 'FBE';
  baseUrl: string;
  credentials: Record<string, string>;
  rateLimits: Record<string, { limit: number; periodMs: number }>;
}

export interface Simulator {
  channel: SimChannel;
  fulfillment: 'MAIN' | 'FBE';
  /** Base URL to give a connector (includes the API mount point). */
  url: string;
  credentials: Record<string, string>;
  /** The limits this simulator enforces, in the connector's override format. */
  rateLimits: Record<string, { limit: number; periodMs: number }>;
  /** A ready-made connector account for this simulator. */
  account: (id?: string) => SimulatorAccount;
  stop: () => Promise<void>;
  stats: () => SimulatorStats;
  resetStats: () => void;
  /** Changes some offers' price and stock (and places/advances orders) now. */
  drift: (options?: DriftOptions & { orders?: OrderDriftOptions | false }) => DriftResult;
  setFaults: (faults: FaultConfig) => void;
  setRateLimits: (limits: Partial<Record<string, LimitRule>> | false) => void;
  offer: (sku: string) => OfferView | undefined;
  catalog: Catalog;
  orders: OrderBook;
}

export async function buildSimulator(definition: ChannelDefinition, options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const fulfillment = options.fulfillment ?? 'MAIN';
  const size = options.offers ?? 1000;
  const now = Date.now();
  const catalog = new Catalog({
    seed,
    size,
    warehouses: definition.warehouses,
    baseTime: options.baseTime ?? now - 7 * 86_400_000,
    priceRange: definition.priceRange,
    wholePrices: definition.wholePrices,
  });
  const orders = new OrderBook({
    seed: seed + (fulfillment === 'FBE' ? 1000 : 0),
    count: options.orders ?? Math.min(2000, Math.max(20, Math.floor(size / 10))),
    catalog,
    now,
    spanMs: 20 * 86_400_000,
    singleUnit: definition.singleUnitOrders,
  });
  const faults = new Faults(seed, options.faults);
  const limits = new RateLimits(definition.limits);
  applyLimits(limits, options.rateLimits);
  const credentials = options.credentials ?? definition.credentials(seed, fulfillment);
  let server: SimulatorServer | undefined;
  const context: SimContext = {
    seed,
    catalog,
    orders,
    faults,
    limits,
    credentials,
    fulfillment,
    options,
    malformed: (page) => {
      const yes = faults.isMalformed(page);
      if (yes) server?.noteMalformed();
      return yes;
    },
  };
  server = new SimulatorServer(definition.protocol(context), limits, faults);
  const origin = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `${origin}${definition.basePath}`;

  const drift: Simulator['drift'] = (driftOptions = {}) => {
    const at = Date.now();
    const changed = catalog.drift(
      { fraction: driftOptions.fraction ?? options.driftFraction, count: driftOptions.count },
      at,
    );
    const touched = driftOptions.orders === false ? { created: [], updated: [] } : orders.drift(driftOptions.orders ?? {}, at);
    return { offers: changed.map((index) => catalog.get(index).sku), orders: touched };
  };
  const timer = options.driftEveryMs ? setInterval(() => drift(), options.driftEveryMs) : undefined;
  timer?.unref();

  const connectorLimits = () =>
    Object.fromEntries(Object.entries(limits.current).map(([group, rule]) => [group, { limit: rule.limit, periodMs: rule.periodMs }]));

  return {
    channel: definition.channel,
    fulfillment,
    url,
    credentials,
    get rateLimits() {
      return connectorLimits();
    },
    account: (id = `sim-${definition.channel.toLowerCase()}-${fulfillment.toLowerCase()}-${seed}`) => ({
      id,
      channel: definition.channel,
      ...(definition.channel === 'EMAG' ? { fulfillment } : {}),
      baseUrl: url,
      credentials: { ...credentials },
      rateLimits: connectorLimits(),
    }),
    stop: async () => {
      if (timer) clearInterval(timer);
      await server.close();
    },
    stats: () => server.stats(),
    resetStats: () => server.resetStats(),
    drift,
    setFaults: (config) => faults.set(config),
    setRateLimits: (config) => applyLimits(limits, config),
    offer: (sku) => {
      const index = catalog.indexOfSku(sku);
      if (index === undefined) return undefined;
      const offer = catalog.get(index);
      const stockByWarehouse: Record<string, number> = {};
      offer.stock.forEach((units, w) => {
        stockByWarehouse[definition.warehouseIds[w] ?? String(w)] = units;
      });
      return {
        sku: offer.sku,
        externalId: definition.externalId(index),
        price: minorToDecimal(offer.priceMinor),
        stock: offer.stock.reduce((a, b) => a + b, 0),
        stockByWarehouse,
        status: offer.status,
        updatedAt: new Date(offer.updatedAt),
      };
    },
    catalog,
    orders,
  };
}

function applyLimits(limits: RateLimits, config: Partial<Record<string, LimitRule>> | false | undefined): void {
  if (config === false) {
    limits.enabled = false;
    return;
  }
  limits.enabled = true;
  if (config) limits.set(config);
}
