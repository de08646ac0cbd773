import type { Simulator } from '../../src/simulators/index.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { dataOf, type TestApp } from './app.js';

export const ERRORS = 'errors { code message field }';
export const LISTING_FIELDS = 'id sku price stock remotePrice remoteStock priceEditedAt stockEditedAt status';

const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`;

/** A marketplace account pointing at the simulator, created through the API as a user would. */
export async function createSimAccount(t: TestApp, sim: Simulator, name = `${sim.channel} ${Math.random().toString(36).slice(2, 8)}`) {
  const r = dataOf(
    await t.gql(CREATE_ACCOUNT, {
      input: {
        channel: sim.channel,
        name,
        baseUrl: sim.url,
        credentials: sim.credentials,
        rateLimits: sim.rateLimits,
        ...(sim.channel === 'EMAG' ? { fulfillment: sim.fulfillment } : {}),
      },
    }),
  ).createAccount;
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.account.id as string;
}

/** Product + listing rows for catalog offer `index`, as a sync would have stored them. */
export async function seedListing(prisma: PrismaClient, sim: Simulator, accountId: string, index: number, overrides: { externalId?: string } = {}) {
  const sku = sim.catalog.get(index).sku;
  const offer = sim.offer(sku)!;
  const product = await prisma.product.upsert({ where: { sku }, update: {}, create: { sku, name: `Product ${sku}` } });
  return prisma.listing.create({
    data: {
      productId: product.id,
      accountId,
      externalId: overrides.externalId ?? offer.externalId,
      sku,
      name: `Offer ${sku}`,
      price: offer.price,
      remotePrice: offer.price,
      currency: 'RON',
      stock: offer.stock,
      remoteStock: offer.stock,
      stockByWarehouse: offer.stockByWarehouse,
      status: 'ACTIVE',
      remoteStatus: offer.status,
    },
  });
}

/** Polls `check` until it returns a truthy value (returned) or the time is up (throws). */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A price that differs from `price` (a decimal string) and stays within a simulator's range. */
export const otherPrice = (price: string, bump = 1) => (Number(price) + bump).toFixed(2);

/** A push worker's claim of due jobs (push-worker.ts), as it shows in a TestApp's statement log. */
const PUSH_CLAIM = /UPDATE "PushJob"[\s\S]*SKIP LOCKED/;

/**
 * Resolves once the push workers of `t`'s database have claimed twice since the call: the second
 * claim starts after the first one's round ended, and that round saw everything committed before
 * the call. What a push would have done by then, it has done; tests wait on this instead of sleeping
 * before they check that an edit pushed nothing (more).
 */
export async function pushRoundsDone(t: TestApp, what = 'two push worker rounds') {
  const from = t.queries.length;
  await waitFor(() => t.queries.slice(from).filter((sql) => PUSH_CLAIM.test(sql)).length >= 2, { what });
}
