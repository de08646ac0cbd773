import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listing } from '../../src/generated/prisma/client.js';
import { claimPushJobs, startPushWorker, type PushWorker, type PushWorkerOptions } from '../../src/modules/catalog/push-worker.js';
import { backoffDelay as retryDelay } from '../../src/jobs/backoff.js';
import type { Simulator } from '../../src/simulators/index.js';
import { findLeaks, simulatorSecrets, startFastSimulator } from '../../src/simulators/testing.js';
import { backend, createSharedDatabase, dataOf, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, LISTING_FIELDS, otherPrice, pushRoundsDone, seedListing, waitFor } from '../helpers/catalog.js';

const PRICE = `mutation($input: UpdateListingPriceInput!) { updateListingPrice(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`;
const STOCK = `mutation($input: UpdateListingStockInput!) { updateListingStock(input: $input) { listing { ${LISTING_FIELDS} } ${ERRORS} } }`;
const PATCH = 'PATCH /api/v1/products';
const FAST: PushWorkerOptions = { pollMs: 20, baseDelayMs: 100, maxDelayMs: 5000, connector: { retries: 0 } };

// One database shared by every app of this file, so an app can be stopped and another started on it.
const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
let database: SharedDatabase;
let t: TestApp;
let sim: Simulator;
let accountId: string;
let worker: PushWorker | undefined;
const listings: Listing[] = [];

const prisma = () => t.app.services.prisma;
const patches = () => sim.stats().byEndpoint[PATCH]?.requests ?? 0;
const gql = (query: string, input: Record<string, unknown>) => t.gql(query, { input }, ADMIN);
const jobsOf = (listingId: string) => prisma().pushJob.findMany({ where: { listingId }, orderBy: { createdAt: 'asc' } });
const listing = (id: string) => prisma().listing.findUniqueOrThrow({ where: { id } });

function appEnv(role: 'api' | 'all') {
  return { ...database.env, ROLE: role, ADMIN_TOKEN: ADMIN };
}

/** Runs a push worker of the (api-only) test app until the test ends; edits kick it. */
function runWorker(options: PushWorkerOptions = FAST) {
  worker = startPushWorker(t.app.services, options);
  t.app.services.pushWorker = worker;
  return worker;
}
async function stopWorker() {
  await worker?.stop();
  worker = undefined;
  t.app.services.pushWorker = undefined;
}

beforeAll(async () => {
  database = await createSharedDatabase('outbox');
  sim = await startFastSimulator('STOREFRONT', { offers: 80, seed: 23 });
  // ROLE=api: no worker of its own; each test runs the worker it needs.
  t = await startTestApp(appEnv('api'));
  accountId = await createSimAccount({ ...t, gql: (q, v) => t.gql(q, v, ADMIN) }, sim, 'outbox storefront');
  for (let i = 0; i < 10; i++) listings.push(await seedListing(prisma(), sim, accountId, i));
});
afterAll(async () => {
  await stopWorker();
  await t?.close();
  await sim?.stop();
  await database?.drop();
});

describe('push outbox', () => {
  it('an edit back to the marketplace value cancels its queued push', async () => {
    const l = listings[0]!;
    const remote = sim.offer(l.sku)!.price;
    expect(dataOf(await gql(PRICE, { listingId: l.id, price: otherPrice(remote, 4) })).updateListingPrice.errors).toEqual([]);
    expect(await jobsOf(l.id)).toMatchObject([{ kind: 'PRICE', status: 'PENDING', value: otherPrice(remote, 4) }]);
    const back = dataOf(await gql(PRICE, { listingId: l.id, price: remote })).updateListingPrice;
    expect(back).toMatchObject({ errors: [], listing: { priceEditedAt: null } });
    expect(await jobsOf(l.id)).toMatchObject([{ status: 'SUPERSEDED' }]);
    const changes = await prisma().changeRecord.findMany({ where: { entityId: l.id }, orderBy: { createdAt: 'asc' } });
    expect(changes.map((c) => [c.oldValue, c.newValue])).toEqual([
      [remote, otherPrice(remote, 4)],
      [otherPrice(remote, 4), remote],
    ]);
  });

  it('pushes only the newest of several edits, once', async () => {
    const l = listings[1]!;
    const remote = sim.offer(l.sku)!.price;
    await gql(PRICE, { listingId: l.id, price: otherPrice(remote, 1) });
    await gql(PRICE, { listingId: l.id, price: otherPrice(remote, 2) });
    expect((await jobsOf(l.id)).map((j) => [j.value, j.status])).toEqual([
      [otherPrice(remote, 1), 'SUPERSEDED'],
      [otherPrice(remote, 2), 'PENDING'],
    ]);
    const before = patches();
    runWorker();
    await waitFor(() => sim.offer(l.sku)!.price === otherPrice(remote, 2), { what: 'the newest price at the marketplace' });
    await waitFor(async () => (await listing(l.id)).priceEditedAt === null);
    expect(patches() - before).toBe(1);
    await stopWorker();
  });

  it('retries with growing delays while the marketplace fails, then delivers', async () => {
    const l = listings[2]!;
    const stock = sim.offer(l.sku)!.stock + 9;
    sim.setFaults({ errorRate: 1 });
    runWorker({ ...FAST, maxAttempts: 20 });
    try {
      await gql(STOCK, { listingId: l.id, stock });
      const failing = await waitFor(async () => {
        const [job] = await jobsOf(l.id);
        return job && job.attempts >= 4 ? job : null;
      }, { what: 'four failed attempts' });
      expect(failing.status).toBe('PENDING');
      expect(failing.lastError).toBeTruthy();
      expect(failing.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1000);
      expect((await listing(l.id)).stockEditedAt).not.toBeNull();
    } finally {
      sim.setFaults({});
    }
    const [job] = await jobsOf(l.id);
    const logs = await prisma().syncLog.findMany({ where: { accountId, level: 'WARN' }, orderBy: { createdAt: 'asc' } });
    const ofJob = logs.filter((log) => (log.context as { jobId?: string }).jobId === job!.id);
    expect(ofJob.length).toBeGreaterThanOrEqual(3);
    expect(ofJob[0]!.context).toMatchObject({ listingId: l.id, kind: 'STOCK', value: String(stock), attempts: 1 });
    const delays = ofJob.map((log) => (log.context as { retryInMs: number }).retryInMs);
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!);

    await waitFor(() => sim.offer(l.sku)!.stock === stock, { what: 'the stock to reach the marketplace after the outage' });
    const done = await waitFor(async () => ((await jobsOf(l.id))[0]!.status === 'DONE' ? (await jobsOf(l.id))[0] : null));
    expect(done.lastError).toBeNull();
    expect(await listing(l.id)).toMatchObject({ stock, remoteStock: stock, stockEditedAt: null });
    expect(findLeaks([JSON.stringify(await prisma().syncLog.findMany()), ...t.logs], simulatorSecrets(sim))).toEqual([]);
    await stopWorker();
  });

  it('gives up after maxAttempts, logs an ERROR and keeps the edit marked unconfirmed', async () => {
    const l = listings[3]!;
    const price = otherPrice(sim.offer(l.sku)!.price, 3);
    sim.setFaults({ errorRate: 1 });
    runWorker({ ...FAST, baseDelayMs: 30, maxAttempts: 2 });
    try {
      await gql(PRICE, { listingId: l.id, price });
      await waitFor(async () => (await jobsOf(l.id))[0]?.status === 'FAILED', { what: 'the job to fail for good' });
    } finally {
      sim.setFaults({});
      await stopWorker();
    }
    const [job] = await jobsOf(l.id);
    expect(job).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(job!.lastError).toBeTruthy();
    expect(job!.finishedAt).not.toBeNull();
    const error = await prisma().syncLog.findFirstOrThrow({ where: { accountId, level: 'ERROR', context: { path: ['jobId'], equals: job!.id } } });
    expect(error.context).toMatchObject({ listingId: l.id, kind: 'PRICE', value: price, attempts: 2 });
    expect((await listing(l.id)).priceEditedAt).not.toBeNull();
    expect(sim.offer(l.sku)!.price).not.toBe(price);
  });

  it('fails at once when the marketplace refuses the item itself', async () => {
    const unknown = await seedListing(prisma(), sim, accountId, 40, { externalId: '99999999' });
    runWorker();
    await gql(STOCK, { listingId: unknown.id, stock: 5 });
    await waitFor(async () => (await jobsOf(unknown.id))[0]?.status === 'FAILED');
    await stopWorker();
    expect((await jobsOf(unknown.id))[0]).toMatchObject({ attempts: 1, status: 'FAILED' });
  });

  it('fails the pushes of a disabled account with the reason, without calling the marketplace', async () => {
    const disabledId = await createSimAccount({ ...t, gql: (q, v) => t.gql(q, v, ADMIN) }, sim, 'disabled storefront');
    const l = await seedListing(prisma(), sim, disabledId, 41);
    await prisma().marketplaceAccount.update({ where: { id: disabledId }, data: { enabled: false } });
    const before = patches();
    runWorker();
    await gql(STOCK, { listingId: l.id, stock: 3 });
    await waitFor(async () => (await jobsOf(l.id))[0]?.status === 'FAILED');
    await stopWorker();
    expect((await jobsOf(l.id))[0]!.lastError).toMatch(/disabled/);
    expect(patches()).toBe(before);
  });

  it("hands a crashed claimer's jobs to another worker once the lease ends", async () => {
    const l = listings[4]!;
    const stock = sim.offer(l.sku)!.stock + 2;
    await gql(STOCK, { listingId: l.id, stock });
    // A claimer that dies right after claiming: the job is hidden for the lease, then comes back.
    const claimed = await claimPushJobs(t.app.services, 10, 60_000);
    expect(claimed.map((j) => j.listingId)).toEqual([l.id]);
    const before = patches();
    runWorker();
    await pushRoundsDone(t);
    expect(patches()).toBe(before);
    // The lease runs out (as once its time has passed): the next round takes the job.
    await prisma().pushJob.updateMany({ where: { listingId: l.id, status: 'PENDING' }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await waitFor(() => sim.offer(l.sku)!.stock === stock, { what: 'the push after the lease' });
    await waitFor(async () => (await jobsOf(l.id))[0]!.status === 'DONE');
    await stopWorker();
    expect((await jobsOf(l.id))[0]!.attempts).toBe(2);
    expect(patches() - before).toBe(1);
  });

  it('a queued push survives a restart and goes out exactly once', async () => {
    const l = listings[5]!;
    const price = otherPrice(sim.offer(l.sku)!.price, 6);
    expect(dataOf(await gql(PRICE, { listingId: l.id, price })).updateListingPrice.errors).toEqual([]);
    await t.close();
    const before = patches();
    // A worker-role instance on the same database picks the job up at start.
    t = await startTestApp({ ...appEnv('all'), MIGRATE_ON_START: 'false' }, { pushWorker: { ...FAST, batchSize: 1 } });
    await waitFor(() => sim.offer(l.sku)!.price === price, { what: 'the push after the restart' });
    await waitFor(async () => (await listing(l.id)).priceEditedAt === null);
    await pushRoundsDone(t);
    expect(patches() - before).toBe(1);
    expect(await jobsOf(l.id)).toMatchObject([{ status: 'DONE', attempts: 1 }]);
  });

  // Two processes cannot share an embedded PGlite database, so this one is PostgreSQL's alone.
  if (backend === 'postgres') it('two workers on one PostgreSQL never push the same job twice', async () => {
    const other = await startTestApp({ ...appEnv('all'), MIGRATE_ON_START: 'false' }, { pushWorker: { ...FAST, batchSize: 1 } });
    try {
      const rows: Listing[] = [];
      for (let i = 50; i < 80; i++) rows.push(await seedListing(prisma(), sim, accountId, i));
      const before = patches();
      const values = new Map(rows.map((r) => [r.id, sim.offer(r.sku)!.stock + 11]));
      // Edits through both instances: each kicks its own worker, both claim from the same table.
      await Promise.all(rows.map((r, i) => (i % 2 ? other : t).gql(STOCK, { input: { listingId: r.id, stock: values.get(r.id) } }, ADMIN)));
      await waitFor(async () => (await prisma().pushJob.count({ where: { listingId: { in: rows.map((r) => r.id) }, status: 'DONE' } })) === rows.length, {
        timeoutMs: 20_000,
        what: 'every push to finish',
      });
      const jobs = await prisma().pushJob.findMany({ where: { listingId: { in: rows.map((r) => r.id) } } });
      expect(jobs.every((j) => j.attempts === 1)).toBe(true);
      expect(patches() - before).toBe(rows.length);
      for (const r of rows) expect(sim.offer(r.sku)!.stock).toBe(values.get(r.id));
    } finally {
      await other.close();
    }
  });
});

describe('retryDelay', () => {
  it('doubles per attempt within ±20 % and stops at the maximum', () => {
    expect(retryDelay(1, 1000, 300_000, () => 0.5)).toBe(1000);
    expect(retryDelay(2, 1000, 300_000, () => 0.5)).toBe(2000);
    expect(retryDelay(4, 1000, 300_000, () => 0)).toBe(6400);
    expect(retryDelay(4, 1000, 300_000, () => 1)).toBe(9600);
    expect(retryDelay(30, 1000, 300_000, () => 1)).toBe(300_000);
  });
});
