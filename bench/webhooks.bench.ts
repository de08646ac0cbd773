/**
 * Webhook delivery benchmark: deliveries per second from the outbox to a local receiver, against
 * a baseline measured in the same run.
 *
 *   npx tsx bench/webhooks.bench.ts [deliveries] [concurrency]
 *
 * Creates a scratch PostgreSQL database (BENCH_DATABASE_URL names the server and the database to
 * connect to for CREATE/DROP; default postgres://postgres@127.0.0.1:5432/postgres), starts the app
 * (worker role, WEBHOOK_CONCURRENCY = `concurrency`, default 8) and a node:http receiver on
 * 127.0.0.1 answering 204 at once. `deliveries` (default 2000) work_center.updated events about
 * KEYS (32) work centers are recorded for two webhooks while they are inactive (their deliveries
 * wait): one unordered, one ordered (per key, the default). Each is activated in turn and the
 * time until every delivery is SUCCESS is measured: claim (SKIP LOCKED; for the ordered one, only
 * the head of each key), decrypt, sign, POST, and the attempt log and delivery update, per
 * delivery. The ordered webhook has at most KEYS deliveries in flight, one per key.
 *
 * Baselines, same bodies, same receiver, same signing work, no database:
 *  - sequential fetch: one POST after another;
 *  - concurrent fetch: `concurrency` POSTs in flight (the bare POST loop), run right before and
 *    right after each worker phase: each phase is compared with the mean of the two around it, so
 *    that a change of load on a shared machine during the run (other processes, PostgreSQL) weighs
 *    on both sides alike (with one run before both phases, the bare loop alone measured 282 to
 *    1,007/s in runs minutes apart under the load of a shared machine).
 * Prints deliveries/s of each and the ratios (worker / baseline), this process's CPU time per
 * delivery and its share of the wall time (well below 100 %: it waited, on PostgreSQL or on being
 * scheduled), SQL statements per delivery, one summary line and one JSON
 * line. Nothing is asserted on timing. Cleans up on success, on error and on Ctrl-C.
 *
 * BENCH_CPU_PROFILE=<file.cpuprofile> writes a V8 CPU profile of the unordered worker phase alone
 * (no start-up, no baselines); read it with bench/profile/cpuprofile-summary.ts.
 *
 * Caveat: receiver, worker and baselines share one event loop (and the machine with PostgreSQL).
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../src/app.js';
import { parseEnv } from '../src/env.js';
import { EventBus } from '../src/events/event-bus.js';
import { recordDeliveries } from '../src/modules/webhooks/webhook.outbox.js';
import { signedHeaders } from '../src/modules/webhooks/webhook.signing.js';
import { createWebhook, updateWebhook } from '../src/modules/webhooks/webhook.service.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';

const DELIVERIES = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
/** Distinct ordering keys (work centers) the events are about. */
const KEYS = 32;
const ADMIN = { tokenId: 'bench', name: 'bench', role: 'ADMIN' as const };

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let interrupted = false;
/** SQL statements sent while the worker delivers (claims and attempt logs), to report per delivery. */
let statements = 0;
process.once('SIGINT', () => {
  interrupted = true;
  console.log('\ninterrupted: cleaning up');
});
const checkpoint = () => {
  if (interrupted) throw new Error('interrupted');
};

function startReceiver(): Promise<{ server: Server; url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, count: () => count })),
  );
}

/** `total` POSTs with `inFlight` at a time, plain fetch, signing each like the worker does. */
async function fetchBaseline(url: string, secret: string, bodies: { id: string; body: string }[], inFlight: number) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) {
        const item = bodies[next++]!;
        const headers = signedHeaders(secret, { id: item.id, eventType: 'work_center.created', body: item.body }, Math.floor(Date.now() / 1000));
        // A timer cleared with the response, not AbortSignal.timeout: each of those fired 10 s later,
        // aborting a long-finished fetch inside the worker phase that followed (a tenth of the CPU
        // profile of the unordered phase was undici aborting the baselines' requests).
        const cut = new AbortController();
        const timer = setTimeout(() => cut.abort(), 10_000);
        try {
          const res = await fetch(url, { method: 'POST', headers, body: item.body, redirect: 'manual', signal: cut.signal });
          await res.arrayBuffer();
          if (res.status !== 204) throw new Error(`baseline got ${res.status}`);
        } finally {
          clearTimeout(timer);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { deliveries: bodies.length, seconds: round(seconds), perSecond: round(bodies.length / seconds), ...cpuPerDelivery(cpu, seconds, bodies.length) };
}

/** A CPU profile of this process from now until `stopTo(file)`. */
async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stopTo(file: string) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
      console.log(`  (CPU profile of the unordered worker phase: ${file})`);
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** This process's CPU time (user + system) since `from`, per delivery and as a share of the wall time: near 1, the process was CPU-bound; well below, it waited. */
function cpuPerDelivery(from: NodeJS.CpuUsage, seconds: number, deliveries: number) {
  const used = process.cpuUsage(from);
  const ms = (used.user + used.system) / 1000;
  return { cpuMsPerDelivery: round(ms / deliveries), cpuShare: round(ms / 1000 / seconds) };
}

async function main() {
  let app: App | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let scratch: ScratchDatabase | undefined;
  try {
    checkpoint();
    scratch = await createScratchDatabase(adminUrl);
    receiver = await startReceiver();
    app = await buildApp(
      parseEnv({
        DATABASE_URL: scratch.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SANDBOX: 'false',
        SCHEDULER_ENABLED: 'false',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_CONCURRENCY: String(CONCURRENCY),
      }),
      { onQuery: (sql) => void (statements += /^\s*(BEGIN|COMMIT)/i.test(sql) ? 0 : 1) },
    );
    await app.start();
    const services = app.services;

    checkpoint();
    const unordered = await createWebhook(services, ADMIN, { url: receiver.url, events: ['work_center.updated'], active: false, ordered: false });
    const ordered = await createWebhook(services, ADMIN, { url: receiver.url, events: ['work_center.updated'], active: false });
    const secret = unordered.secret;
    const events = Array.from({ length: DELIVERIES }, (_, i) =>
      EventBus.create('work_center.updated', { workCenter: { id: `00000000-0000-4000-8000-${String(i % KEYS).padStart(12, '0')}`, identifier: `WC-${i % KEYS}`, name: `Line ${i}` } }, 'bench'),
    );
    // Inactive subscriptions get no deliveries: each is active alone while the outbox records its share, then waits inactive.
    for (const { webhook } of [unordered, ordered]) {
      await services.prisma.webhookSubscription.update({ where: { id: webhook.id }, data: { active: true } });
      await services.prisma.$transaction(async (tx) => {
        const recorded = await recordDeliveries(tx, events);
        if (recorded !== DELIVERIES) throw new Error(`recorded ${recorded} deliveries`);
        await tx.webhookSubscription.update({ where: { id: webhook.id }, data: { active: false } });
      });
    }
    const bodies = await services.prisma.webhookDelivery.findMany({ where: { subscriptionId: unordered.webhook.id }, select: { id: true, body: true }, orderBy: { createdAt: 'asc' } });

    // Warm-up of the baseline path (connections, JIT) with a few requests.
    await fetchBaseline(receiver.url, secret, bodies.slice(0, 50), CONCURRENCY);
    checkpoint();
    console.log(`${DELIVERIES} deliveries on ${KEYS} keys, concurrency ${CONCURRENCY}:`);
    const sequential = await fetchBaseline(receiver.url, secret, bodies, 1);
    const cpuNote = (r: { cpuMsPerDelivery: number; cpuShare: number }) => `${r.cpuMsPerDelivery.toFixed(2)} ms CPU per delivery, CPU busy ${(r.cpuShare * 100).toFixed(0)} %`;
    console.log(`  baseline, sequential fetch:   ${sequential.perSecond.toFixed(1)} /s (${cpuNote(sequential)})`);
    checkpoint();
    const bareLoop = async () => {
      const run = await fetchBaseline(receiver!.url, secret, bodies, CONCURRENCY);
      console.log(`  baseline, concurrent fetch:   ${run.perSecond.toFixed(1)} /s  (the bare POST loop; ${cpuNote(run)})`);
      checkpoint();
      return run;
    };
    const concurrent = [await bareLoop()];

    async function measure(webhookId: string) {
      let attempts = 0;
      let failures = 0;
      const feed = services.events.webhookAttempts(webhookId);
      const allDone = (async () => {
        for await (const event of feed) {
          attempts++;
          if (!event.success) failures++;
          if (attempts - failures >= DELIVERIES) return;
        }
      })();
      const received = receiver!.count();
      statements = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await updateWebhook(services, ADMIN, { id: webhookId, active: true }); // kicks the worker
      await allDone;
      const seconds = (performance.now() - started) / 1000;
      await feed.return(undefined);
      const success = await services.prisma.webhookDelivery.count({ where: { subscriptionId: webhookId, status: 'SUCCESS' } });
      if (success !== DELIVERIES) throw new Error(`only ${success} of ${DELIVERIES} deliveries succeeded`);
      return {
        deliveries: DELIVERIES,
        seconds: round(seconds),
        perSecond: round(DELIVERIES / seconds),
        failedAttempts: failures,
        requests: receiver!.count() - received,
        statementsPerDelivery: round(statements / DELIVERIES),
        ...cpuPerDelivery(cpu, seconds, DELIVERIES),
      };
    }

    const profile = process.env.BENCH_CPU_PROFILE ? await startProfile() : null;
    const worker = await measure(unordered.webhook.id);
    if (profile) await profile.stopTo(process.env.BENCH_CPU_PROFILE!);
    console.log(`  worker, unordered:            ${worker.perSecond.toFixed(1)} /s (${worker.statementsPerDelivery} SQL statements per delivery, ${cpuNote(worker)})`);
    checkpoint();
    concurrent.push(await bareLoop());
    const workerOrdered = await measure(ordered.webhook.id);
    console.log(`  worker, ordered per key:      ${workerOrdered.perSecond.toFixed(1)} /s (${workerOrdered.statementsPerDelivery} SQL statements per delivery, ${cpuNote(workerOrdered)})`);
    checkpoint();
    concurrent.push(await bareLoop());

    /** The bare loop's rate around the phase (runs `at` and `at` + 1). */
    const around = (at: number) => round((concurrent[at]!.perSecond + concurrent[at + 1]!.perSecond) / 2);
    const bareUnordered = around(0);
    const bareOrdered = around(1);
    const vsSequential = round(worker.perSecond / sequential.perSecond);
    const vsConcurrent = round(worker.perSecond / bareUnordered);
    const orderedVsConcurrent = round(workerOrdered.perSecond / bareOrdered);
    console.log(
      `\nwebhook deliveries vs the bare POST loop (concurrent fetch, ${CONCURRENCY}; mean of the runs around each phase): ` +
        `unordered ${worker.perSecond.toFixed(1)}/s vs ${bareUnordered.toFixed(1)}/s = ${vsConcurrent.toFixed(3)}, ordered ${workerOrdered.perSecond.toFixed(1)}/s vs ${bareOrdered.toFixed(1)}/s = ${orderedVsConcurrent.toFixed(3)}; ` +
        `unordered vs sequential fetch ${sequential.perSecond.toFixed(1)}/s = ${vsSequential.toFixed(3)} (worker / baseline; target unordered >= 0.6)`,
    );
    console.log(
      JSON.stringify({
        bench: 'webhooks',
        deliveries: DELIVERIES,
        keys: KEYS,
        concurrency: CONCURRENCY,
        worker,
        workerOrdered,
        sequentialFetch: sequential,
        concurrentFetch: concurrent,
        bareLoopAround: { unordered: bareUnordered, ordered: bareOrdered },
        ratio: { vsSequential, vsConcurrent, orderedVsConcurrent },
      }),
    );
  } finally {
    await app?.stop().catch((error: unknown) => console.error('stopping the app failed:', error));
    if (receiver) {
      receiver.server.closeAllConnections();
      await new Promise<void>((resolve) => receiver!.server.close(() => resolve()));
    }
    await scratch?.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
