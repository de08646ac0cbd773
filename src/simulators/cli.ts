/**
 * Runs one simulator from the command line until Ctrl-C, e.g.
 *   tsx src/simulators/cli.ts emag --offers 10000 --port 7001
 *   tsx src/simulators/cli.ts ozon --error-rate 0.05 --latency 20 --drift-every 30000
 *   tsx src/simulators/cli.ts sandbox
 * Prints the base URL and the (fake) credentials to give a connector, and stats on exit.
 */
import { parseArgs } from 'node:util';
import { startSandbox, startSimulator, type SimChannel, type SimulatorOptions } from './index.js';

const CHANNELS: Record<string, SimChannel> = {
  emag: 'EMAG',
  ozon: 'OZON',
  wb: 'WILDBERRIES',
  wildberries: 'WILDBERRIES',
  storefront: 'STOREFRONT',
};

const USAGE = `usage: tsx src/simulators/cli.ts <emag|ozon|wildberries|storefront|sandbox> [options]
  --offers N          catalog size, 1..1000000 (default 1000; sandbox 200)
  --orders N          orders generated up front
  --seed N            seed of all generated data (default 1)
  --port N            port on 127.0.0.1 (default: any free port)
  --fbe               eMAG: an FBE login (orders of type 2)
  --error-rate X      share of requests answered 5xx
  --rate-429 X        share of requests answered with an injected 429
  --latency MS        delay before every answer
  --malformed-pages L comma-separated listing pages to answer malformed
  --drift-every MS    change 1% of offers (and orders) this often
  --no-rate-limit     do not enforce the marketplace's rate limits`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      offers: { type: 'string' },
      orders: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      fbe: { type: 'boolean' },
      'error-rate': { type: 'string' },
      'rate-429': { type: 'string' },
      latency: { type: 'string' },
      'malformed-pages': { type: 'string' },
      'drift-every': { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0]?.toLowerCase();
  if (values.help || !name || (!CHANNELS[name] && name !== 'sandbox')) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 1;
    return;
  }
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const options: SimulatorOptions = {
    offers: number(values.offers),
    orders: number(values.orders),
    seed: number(values.seed),
    port: number(values.port),
    fulfillment: values.fbe ? 'FBE' : 'MAIN',
    driftEveryMs: number(values['drift-every']),
    rateLimits: values['no-rate-limit'] ? false : undefined,
    faults: {
      errorRate: number(values['error-rate']),
      tooManyRequestsRate: number(values['rate-429']),
      latencyMs: number(values.latency),
      malformedPages: values['malformed-pages']?.split(',').map(Number),
    },
  };

  const stops: Array<() => Promise<void>> = [];
  const reports: Array<() => void> = [];
  if (name === 'sandbox') {
    const sandbox = await startSandbox({ seed: options.seed, offers: options.offers, driftEveryMs: options.driftEveryMs, simulator: options });
    for (const account of sandbox.accounts) console.log(JSON.stringify(account));
    stops.push(sandbox.stop);
    for (const sim of sandbox.simulators) reports.push(() => console.log(sim.channel, sim.fulfillment, JSON.stringify(sim.stats())));
  } else {
    const sim = await startSimulator(CHANNELS[name] as SimChannel, options);
    console.log(`${sim.channel}${sim.channel === 'EMAG' ? ` ${sim.fulfillment}` : ''} simulator at ${sim.url}`);
    console.log(`account: ${JSON.stringify(sim.account())}`);
    stops.push(sim.stop);
    reports.push(() => console.log(JSON.stringify(sim.stats(), null, 2)));
  }
  const shutdown = async () => {
    for (const report of reports) report();
    await Promise.all(stops.map((stop) => stop()));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
