/**
 * Connector pacing benchmark: for each channel, a long FULL listing of a 1 000 000-offer
 * simulator with the documented rate limits, for about 10 s. Prints, per rate-limit group,
 * the achieved request rate against the configured limit, and the simulator's violation count.
 * Pass: every group that bounds the listing reaches ≥ 0.9 of its limit, with 0 violations.
 *
 *   npx tsx bench/connectors.bench.ts [seconds-per-channel] [channel ...]
 *
 * The simulator runs in a child process (this same file, `--sim-worker`), as a marketplace
 * would be elsewhere: in one process, rendering and parsing 1000-offer pages would share one
 * core with the client, and the benchmark would measure the CPU instead of the pacing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createConnector, type Connector } from '../src/connectors/index.js';
import { startSimulator, type SimChannel, type SimulatorAccount, type SimulatorStats } from '../src/simulators/index.js';

/** Groups whose budget bounds a listing (the others are used less than their limit by design). */
const BOUND_BY: Record<SimChannel, string[]> = {
  EMAG: ['default'],
  OZON: ['global'],
  // One cards page and one prices request per page; stocks (one per warehouse) stay under theirs.
  WILDBERRIES: ['content', 'prices'],
  STOREFRONT: ['default'],
};

type WorkerMessage = { type: 'ready'; account: SimulatorAccount } | { type: 'stats'; stats: SimulatorStats } | { type: 'reset' };

if (process.argv[2] === '--sim-worker') {
  const sim = await startSimulator(process.argv[3] as SimChannel, { offers: 1_000_000, seed: 3 });
  const send = (message: WorkerMessage) => process.send?.(message);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') send({ type: 'stats', stats: sim.stats() });
    if (message.type === 'reset') {
      sim.resetStats();
      send({ type: 'reset' });
    }
    if (message.type === 'stop') void sim.stop().then(() => process.exit(0));
  });
  send({ type: 'ready', account: sim.account(`bench-${sim.channel.toLowerCase()}-${Date.now()}`) });
} else {
  await main();
}

/** Sends a command to the simulator process and waits for its answer. */
async function ask<T extends WorkerMessage['type']>(child: ChildProcess, type: T): Promise<Extract<WorkerMessage, { type: T }>> {
  const answer = new Promise<Extract<WorkerMessage, { type: T }>>((resolve) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Extract<WorkerMessage, { type: T }>);
    };
    child.on('message', onMessage);
  });
  if (type !== 'ready') child.send({ type });
  return answer;
}

/** Lists for `ms`; `onWarm` runs after the first second so rates are measured in steady state. */
async function listFor(connector: Connector, ms: number, onWarm: () => void): Promise<number> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  const warm = setTimeout(onWarm, Math.min(1000, ms / 5));
  let items = 0;
  try {
    for await (const page of connector.listProducts({ mode: 'FULL', signal: stop.signal })) items += page.items.length;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(warm);
  }
  return items;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const channels = (process.argv.slice(3).length > 0 ? process.argv.slice(3) : Object.keys(BOUND_BY)) as SimChannel[];
  let failed = false;
  console.log(`connector pacing, ${seconds} s per channel, 1 000 000-offer catalogs, documented limits`);
  for (const channel of channels) {
    const child = fork(fileURLToPath(import.meta.url), ['--sim-worker', channel], { stdio: 'inherit' });
    try {
      const { account } = await ask(child, 'ready');
      const connector = createConnector(account);
      const started = Date.now();
      let warmup: SimulatorStats | undefined;
      const warming = { done: Promise.resolve() };
      const items = await listFor(connector, seconds * 1000, () => {
        // The first second (start-up, first slots) counts for violations, not for the rate.
        warming.done = ask(child, 'stats').then(async ({ stats }) => {
          warmup = stats;
          await ask(child, 'reset');
        });
      });
      await warming.done;
      const elapsed = (Date.now() - started) / 1000;
      const { stats } = await ask(child, 'stats');
      const violations = stats.violations + (warmup?.violations ?? 0);
      const requests = stats.requests + (warmup?.requests ?? 0);
      console.log(`\n${channel}: ${items} offers in ${elapsed.toFixed(1)} s, ${requests} requests, violations ${violations}`);
      for (const [group, entry] of Object.entries(stats.byGroup)) {
        const rule = account.rateLimits[group];
        if (!rule) continue;
        const limit = (rule.limit * 1000) / rule.periodMs;
        // n requests paced at a steady interval span (n - 1) intervals.
        const span = (entry.lastAt - entry.firstAt) / 1000;
        const achieved = entry.requests > 1 && span > 0 ? (entry.requests - 1) / span : 0;
        const ratio = achieved / limit;
        const groupViolations = entry.violations + (warmup?.byGroup[group]?.violations ?? 0);
        const bound = BOUND_BY[channel].includes(group);
        const verdict = bound ? (ratio >= 0.9 && groupViolations === 0 ? 'ok' : 'FAIL') : '(not the bottleneck)';
        if (verdict === 'FAIL') failed = true;
        console.log(
          `  ${group.padEnd(14)} ${String(entry.requests).padStart(4)} req  ${achieved.toFixed(2).padStart(6)} req/s  limit ${limit.toFixed(2).padStart(6)}  ratio ${ratio.toFixed(3)}  violations ${groupViolations}  ${verdict}`,
        );
      }
      if (violations > 0) failed = true;
    } finally {
      child.send({ type: 'stop' });
      await once(child, 'exit');
    }
  }
  console.log(failed ? '\nFAIL' : '\nPASS: every bounding group ≥ 0.9 of its limit, 0 violations');
  process.exitCode = failed ? 1 : 0;
}
