/**
 * Oversell simulation (issue 20, "What it must show"): one product of 50 units sold on three
 * marketplaces (eMAG, Ozon, Wildberries simulators) by orders arriving at random on every channel
 * for 10 simulated minutes, in two arms fed the same order stream in the same run:
 *
 *  (a) pool: the service in-process on a scratch PostgreSQL database, allocation SHARE 100 on each
 *      account, orders read by an orders-only INCREMENTAL sync every polling interval per account
 *      (phases staggered), the pool's allocation pushed to the three simulators by the push worker;
 *  (b) independent: today's per-listing stock (allocation OFF): each listing starts at 50 and
 *      nothing propagates; with allocation off nothing the service does moves a listing's stock, so
 *      this arm is the three simulators alone.
 *
 *   node --import tsx bench/oversell.bench.ts
 *   BENCH_SCALE=4 BENCH_SEED=7 node --import tsx bench/oversell.bench.ts
 *
 * An order takes its units from the stock the simulator shows at that moment (first warehouse, the
 * one pushes go to) and is refused when it shows fewer. Time is scaled down BENCH_SCALE times
 * (default 8: 10 simulated minutes in 75 s, plus one polling interval to drain): the orders
 * polling interval (2 min), the order rate (one order per channel every 30 s on average, 1–2
 * units), the push worker's poll (1 s) and its retry delay, and Ozon's 30 s stock-update cooldown
 * are all divided by it. Not scaled: the allocation's coalescing window (ALLOCATION_COALESCE_MS,
 * 1 s real, i.e. BENCH_SCALE simulated seconds), HTTP and database time: the scaled run is
 * pessimistic for the pool.
 *
 * Prints, in simulated time: units sold, refused and oversold (sold beyond the 50) per arm, and the
 * pool's ratio to the independent arm; the pool arm's p50/p95 time from an order's placement at a
 * simulator to the other two simulators having received a push of the reduced stock (the pool's
 * available after that order's reservation, read from the ledger); each against the issue's
 * targets: oversold ≤ the most units the pool arm sold within any window of one polling interval +
 * one push cycle (coalescing window + worker poll), and p95 ≤ polling interval + 10 s. Orders
 * placed after the pool was exhausted have no reduced stock to propagate and are left out of the
 * latency. Targets are printed, not asserted; the process exits 1 when the run itself is broken
 * (a sync not ending SUCCESS, the initial stock not reaching the simulators). BENCH_DATABASE_URL
 * names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp, type App } from '../src/app.js';
import type { Actor, AppServices } from '../src/core/services.js';
import { parseEnv } from '../src/env.js';
import { createAccount } from '../src/modules/accounts/account.service.js';
import { ALLOCATION_COALESCE_MS } from '../src/modules/inventory/allocation.js';
import { adjustStock, setAllocationRule } from '../src/modules/inventory/inventory.service.js';
import { triggerSync } from '../src/modules/sync/sync-run.service.js';
import type { Simulator } from '../src/simulators/index.js';
import { isFboOrder } from '../src/simulators/ozon/seller.js';
import { startFastSimulator } from '../src/simulators/testing.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const SCALE = intEnv('BENCH_SCALE', 8);
const SEED = intEnv('BENCH_SEED', 20);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const UNITS = 50;
const CHANNELS = ['EMAG', 'OZON', 'WILDBERRIES'] as const;
type Channel = (typeof CHANNELS)[number];
/** Simulated durations, in ms. */
const RUN = 10 * 60_000;
const POLL = 2 * 60_000;
const MEAN_ORDER_GAP = 30_000;
const OZON_COOLDOWN = 30_000;
const WORKER_POLL = 1000;
const TARGET_SLACK = 10_000;
/** The offer sold (catalog index); the same SKU on every simulator, as the sandbox's channels. */
const OFFER = 0;

const real = (simulatedMs: number) => simulatedMs / SCALE;
const simulated = (realMs: number) => realMs * SCALE;
const seconds = (simulatedMs: number) => `${(simulatedMs / 1000).toFixed(1)} s`;
const ACTOR: Actor = { tokenId: 'bench', name: 'bench', role: 'ADMIN' };

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new Error(`${name} must be an integer between 1 and 1000, got ${raw}`);
  return value;
}

/** A run that is not what it should be: reported, and the bench exits 1. */
class BrokenRun extends Error {}

// ---------------------------------------------------------------------------------------------
// The order stream: the same for both arms.

interface PlannedOrder {
  /** Simulated ms from the start. */
  at: number;
  channel: Channel;
  quantity: number;
}

/** mulberry32: a small seeded generator, so a seed replays the same stream. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson arrivals per channel (exponential gaps of MEAN_ORDER_GAP), 1–2 units each, by time. */
function planOrders(seed: number): PlannedOrder[] {
  const random = rng(seed);
  const orders: PlannedOrder[] = [];
  for (const channel of CHANNELS) {
    for (let at = -Math.log(1 - random()) * MEAN_ORDER_GAP; at < RUN; at += -Math.log(1 - random()) * MEAN_ORDER_GAP) {
      orders.push({ at, channel, quantity: random() < 0.5 ? 1 : 2 });
    }
  }
  return orders.sort((a, b) => a.at - b.at);
}

// ---------------------------------------------------------------------------------------------
// A simulator as a shop front: the stock it shows, orders taken from it, the pushes it received.

interface Push {
  /** Date.now() when the simulator applied it. */
  at: number;
  stock: number;
}

interface Front {
  channel: Channel;
  sim: Simulator;
  pushes: Push[];
  sold: { at: number; quantity: number; orderId: number }[];
  refused: number;
  shown(): number;
  /** Places an order of `quantity` when the simulator shows that many, taking them from its stock. */
  order(quantity: number, at: number): boolean;
}

async function startFront(channel: Channel, seed: number): Promise<Front> {
  const sim = await startFastSimulator(channel, { offers: 2, orders: 0, seed, stockCooldownMs: real(OZON_COOLDOWN) });
  const catalog = sim.catalog;
  const update = catalog.update.bind(catalog);
  const pushes: Push[] = [];
  // Every stock change of the offer not made by an order here is a push from the service.
  catalog.update = (index, change, now) => {
    const next = update(index, change, now);
    if (index === OFFER && change.stock) pushes.push({ at: Date.now(), stock: next.stock[0]! });
    return next;
  };
  const front: Front = {
    channel,
    sim,
    pushes,
    sold: [],
    refused: 0,
    shown: () => catalog.get(OFFER).stock[0]!,
    order(quantity, at) {
      const shown = front.shown();
      if (shown < quantity) {
        front.refused += 1;
        return false;
      }
      const stock = [...catalog.get(OFFER).stock];
      stock[0] = shown - quantity;
      update(OFFER, { stock }, at);
      // The Ozon simulator makes one posting in five FBO (shipped from Ozon's own stock, never the
      // pool's): a sale from the seller's warehouse must be an FBS posting, so an FBO posting of
      // another offer takes that turn.
      if (channel === 'OZON' && isFboOrder(sim.orders.all().length + 1)) sim.orders.place([{ index: OFFER + 1, quantity: 1 }], at);
      const { id } = sim.orders.place([{ index: OFFER, quantity }], at);
      front.sold.push({ at, quantity, orderId: id });
      return true;
    },
  };
  return front;
}

const unitsSold = (fronts: readonly Front[]) => fronts.reduce((sum, f) => sum + f.sold.reduce((s, o) => s + o.quantity, 0), 0);

// ---------------------------------------------------------------------------------------------
// The pool arm's service.

async function waitForRun(services: AppServices, runId: string, what: string): Promise<void> {
  for (;;) {
    const run = await services.prisma.syncRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (run.status === 'SUCCESS') return;
    if (run.status !== 'PENDING' && run.status !== 'RUNNING') throw new BrokenRun(`${what}: the sync ended ${run.status}`);
    await sleep(50);
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new BrokenRun(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** An account per simulator, its products synced, its default warehouse the simulator's first. */
async function connect(services: AppServices, front: Front): Promise<string> {
  const { sim } = front;
  const firstWarehouse = Object.keys(sim.offer(sim.catalog.get(OFFER).sku)!.stockByWarehouse)[0]!;
  const account = await createAccount(services, ACTOR, {
    channel: sim.channel,
    name: `oversell ${sim.channel}`,
    baseUrl: sim.url,
    credentials: sim.credentials,
    rateLimits: sim.rateLimits,
    ...(sim.channel === 'EMAG' ? { fulfillment: sim.fulfillment } : { options: { defaultWarehouseId: firstWarehouse } }),
  });
  const [run] = await triggerSync(services, ACTOR, { accountIds: [account.id], scope: 'PRODUCTS', mode: 'FULL' });
  await waitForRun(services, run!.id, `${sim.channel} products`);
  return account.id;
}

/** Orders-only INCREMENTAL syncs of each account every polling interval, phases staggered; returns a stop. */
function pollOrders(services: AppServices, accounts: Record<Channel, string>, offsets: number[]) {
  let stopped = false;
  const runs: string[] = [];
  const failures: string[] = [];
  const loops = CHANNELS.map(async (channel, i) => {
    await sleep(real(offsets[i]!));
    while (!stopped) {
      const started = Date.now();
      try {
        const [run] = await triggerSync(services, ACTOR, { accountIds: [accounts[channel]], scope: 'ORDERS', mode: 'INCREMENTAL' });
        runs.push(run!.id);
      } catch (error) {
        failures.push(`${channel}: ${(error as Error).message}`);
      }
      const wait = real(POLL) - (Date.now() - started);
      const until = Date.now() + wait;
      while (!stopped && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      const statuses = await services.prisma.syncRun.findMany({ where: { id: { in: runs } }, select: { status: true } });
      return { runs: runs.length, unsuccessful: statuses.filter((r) => r.status !== 'SUCCESS').length, failures };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measures.

/**
 * When the arm sold its UNITS-th unit (real ms; undefined when it never did), the units it sold
 * beyond UNITS within `windowMs` after that, and its last sale.
 */
function sellOut(fronts: readonly Front[], windowMs: number) {
  const sales = fronts.flatMap((f) => f.sold).sort((a, b) => a.at - b.at);
  let sum = 0;
  const soldOut = sales.find((sale) => (sum += sale.quantity) >= UNITS)?.at;
  if (soldOut === undefined) return undefined;
  const byWindowEnd = sales.filter((sale) => sale.at <= soldOut + windowMs).reduce((s, sale) => s + sale.quantity, 0);
  return { at: soldOut, beyondWithinWindow: byWindowEnd - UNITS, lastSale: sales.at(-1)!.at };
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The simulator's order id in the external id the connector stores: the id itself on eMAG and
 * Wildberries, Ozon's posting number `<70 000 000 + id>-0001-1` (placedAt cannot match them: eMAG
 * dates have whole seconds).
 */
const simulatorOrderId = (externalId: string) => Number.parseInt(externalId, 10) % 10_000_000;

/**
 * Per pool order reserved while stock remained: real ms from its placement until both other
 * simulators had a push at most the pool's available after its reservation.
 */
async function propagation(services: AppServices, fronts: readonly Front[], accounts: Record<Channel, string>) {
  const prisma = services.prisma;
  const latencies: number[] = [];
  /** Per measured order, in simulated ms: placement → reservation (poll wait + sync), reservation → last push arrival, and which channel's push came last. */
  const parts: { total: number; toReserve: number; toPush: number; last: Channel }[] = [];
  let afterExhaustion = 0;
  let notSynced = 0;
  let notPropagated = 0;
  for (const front of fronts) {
    const orders = await prisma.order.findMany({ where: { accountId: accounts[front.channel] }, select: { id: true, externalId: true } });
    const bySimulatorId = new Map(orders.map((o) => [simulatorOrderId(o.externalId), o.id]));
    for (const sale of front.sold) {
      const orderId = bySimulatorId.get(sale.orderId);
      const reserve = orderId && (await prisma.stockMovement.findFirst({ where: { causeId: orderId, reason: 'RESERVE' }, select: { reservedAfter: true, onHandAfter: true, createdAt: true } }));
      if (!reserve) {
        notSynced += 1;
        continue;
      }
      const reduced = reserve.onHandAfter - reserve.reservedAfter;
      if (reduced < 0) {
        afterExhaustion += 1;
        continue;
      }
      const reservedAt = reserve.createdAt.getTime();
      const arrivals = fronts
        .filter((other) => other !== front)
        .map((other) => other.pushes.find((push) => push.at >= reservedAt && push.stock <= reduced)?.at);
      if (arrivals.some((at) => at === undefined)) {
        notPropagated += 1;
        continue;
      }
      const lastAt = Math.max(...(arrivals as number[]));
      latencies.push(simulated(lastAt - sale.at));
      const others = fronts.filter((other) => other !== front);
      parts.push({ total: simulated(lastAt - sale.at), toReserve: simulated(reservedAt - sale.at), toPush: simulated(lastAt - reservedAt), last: others[arrivals.indexOf(lastAt)]!.channel });
    }
  }
  return { latencies: latencies.sort((a, b) => a - b), parts: parts.sort((a, b) => a.total - b.total), afterExhaustion, notSynced, notPropagated };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let app: App | undefined;
  let scratch: ScratchDatabase | undefined;
  const fronts: Front[] = [];
  try {
    const plan = planOrders(SEED);
    const pool = await Promise.all(CHANNELS.map((channel, i) => startFront(channel, SEED + i)));
    const independent = await Promise.all(CHANNELS.map((channel, i) => startFront(channel, SEED + 10 + i)));
    fronts.push(...pool, ...independent);
    for (const front of independent) {
      const stock = [...front.sim.catalog.get(OFFER).stock];
      stock[0] = UNITS;
      front.sim.catalog.update(OFFER, { stock });
    }

    scratch = await createScratchDatabase(adminUrl);
    app = await buildApp(
      parseEnv({
        DATABASE_URL: scratch.url,
        PORT: '0',
        HOST: '127.0.0.1',
        // Retried pushes are counted at the end instead of logged one by one.
        LOG_LEVEL: 'error',
        SANDBOX: 'false',
        SCHEDULER_ENABLED: 'false',
        ACCOUNT_ALLOW_PRIVATE_TARGETS: 'true',
        CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      }),
      { pushWorker: { pollMs: real(WORKER_POLL), baseDelayMs: real(1000) } },
    );
    await app.start();
    const services = app.services;
    const accounts = {} as Record<Channel, string>;
    for (const front of pool) accounts[front.channel] = await connect(services, front);
    const product = await services.prisma.product.findUniqueOrThrow({ where: { sku: pool[0]!.sim.catalog.get(OFFER).sku }, select: { id: true } });
    await adjustStock(services, ACTOR, { productId: product.id, quantity: UNITS });
    for (const front of pool) await setAllocationRule(services, ACTOR, { accountId: accounts[front.channel], mode: 'SHARE', value: 100 });
    await waitUntil(() => pool.every((f) => f.shown() === UNITS), 30_000, `every simulator of the pool arm to show ${UNITS}`);
    for (const front of pool) front.pushes.length = 0;

    const pushCycle = ALLOCATION_COALESCE_MS + real(WORKER_POLL);
    console.log(
      `scale 1:${SCALE}: ${RUN / 60_000} simulated minutes in ${real(RUN) / 1000} s; orders polled every ${POLL / 1000} s (${real(POLL) / 1000} s real), ` +
        `push cycle ${seconds(simulated(pushCycle))} (coalescing ${ALLOCATION_COALESCE_MS} ms real, not scaled, + worker poll), ` +
        `one order per channel every ${MEAN_ORDER_GAP / 1000} s on average (${plan.length} planned, seed ${SEED}), Ozon stock cooldown ${OZON_COOLDOWN / 1000} s`,
    );

    const random = rng(SEED + 99);
    const poller = pollOrders(services, accounts, CHANNELS.map(() => random() * POLL));
    const start = Date.now();
    for (const planned of plan) {
      const at = start + real(planned.at);
      if (at > Date.now()) await sleep(at - Date.now());
      const now = Date.now();
      for (const arm of [pool, independent]) arm.find((f) => f.channel === planned.channel)!.order(planned.quantity, now);
    }
    await sleep(Math.max(0, start + real(RUN) - Date.now()));
    // One more polling interval and push cycle so the last orders can reach the other channels.
    await sleep(real(POLL) + pushCycle + 500);
    const syncs = await poller.stop();
    if (syncs.failures.length || syncs.unsuccessful) throw new BrokenRun(`order syncs: ${syncs.unsuccessful} of ${syncs.runs} not SUCCESS; ${syncs.failures.join('; ')}`);

    const report = (name: string, arm: Front[]) => {
      const sold = unitsSold(arm);
      const oversold = Math.max(0, sold - UNITS);
      const perChannel = arm.map((f) => `${f.channel} ${unitsSold([f])}`).join(', ');
      console.log(`  ${name.padEnd(12)} sold ${String(sold).padStart(3)} units (${perChannel}), refused ${arm.reduce((s, f) => s + f.refused, 0)} orders, oversold ${oversold}`);
      return oversold;
    };
    console.log(`oversold (units sold beyond the ${UNITS} produced):`);
    const poolOversold = report('pool', pool);
    const independentOversold = report('independent', independent);
    console.log(`  pool ÷ independent: ${independentOversold ? (poolOversold / independentOversold).toFixed(2) : 'n/a (the independent arm oversold nothing)'}`);
    const window = real(POLL) + pushCycle;
    const out = sellOut(pool, window);
    if (out) {
      console.log(
        `  pool sold its ${UNITS}th unit at ${seconds(simulated(out.at - start))}, its last sale ${seconds(simulated(out.lastSale - out.at))} later; ` +
          `target: oversold ≤ the units it sold beyond ${UNITS} within one polling interval + one push cycle (${seconds(simulated(window))}) of that: ` +
          `${poolOversold} ≤ ${out.beyondWithinWindow} → ${poolOversold <= out.beyondWithinWindow ? 'met' : 'MISSED'}`,
      );
    } else console.log(`  the pool arm never sold ${UNITS} units: raise the order rate or the run's length`);

    const { latencies, parts, afterExhaustion, notSynced, notPropagated } = await propagation(services, pool, accounts);
    const target = POLL + TARGET_SLACK;
    console.log(`pool: time from an order's placement to both other simulators showing the reduced stock (${latencies.length} orders; ${afterExhaustion} after exhaustion left out):`);
    if (latencies.length) {
      const p95 = percentile(latencies, 95);
      console.log(`  p50 ${seconds(percentile(latencies, 50))}, p95 ${seconds(p95)}, max ${seconds(latencies.at(-1)!)}; target p95 ≤ ${seconds(target)} → ${p95 <= target ? 'met' : 'MISSED'}`);
      // The one part of a push cycle that is not scaled: in production it adds 1 s, here SCALE simulated seconds.
      console.log(`  (the ${ALLOCATION_COALESCE_MS} ms coalescing window counts ${seconds(simulated(ALLOCATION_COALESCE_MS))} here for ${seconds(ALLOCATION_COALESCE_MS)} in production)`);
      // Where the slowest orders' time went: waiting for the orders poll and its sync, then the push cycle (and which channel's push came last).
      const slow = parts.filter((p) => p.total >= p95);
      console.log(`  orders at or above p95: ${slow.map((p) => `${seconds(p.total)} = ${seconds(p.toReserve)} to the reservation + ${seconds(p.toPush)} to the last push (${p.last})`).join('; ')}`);
    }
    if (notSynced || notPropagated) console.log(`  not measured: ${notSynced} orders not synced, ${notPropagated} not propagated by the end`);
    const retried = await services.prisma.pushJob.findMany({ where: { kind: 'STOCK', attempts: { gt: 1 } }, select: { accountId: true, lastError: true } });
    const channelOf = new Map(CHANNELS.map((channel) => [accounts[channel], channel]));
    console.log(`  pushes received: ${pool.map((f) => `${f.channel} ${f.pushes.length}`).join(', ')}; order syncs ${syncs.runs}`);
    for (const channel of CHANNELS) {
      const jobs = retried.filter((job) => channelOf.get(job.accountId) === channel);
      if (jobs.length) console.log(`  ${channel}: ${jobs.length} pushes retried (${jobs.find((job) => job.lastError)?.lastError ?? 'no error kept'})`);
    }
  } finally {
    await app?.stop();
    for (const front of fronts) await front.sim.stop();
    await scratch?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BrokenRun ? `broken run: ${error.message}` : error);
  process.exitCode = 1;
});
