/**
 * Finding the main warehouse takes no lock: two transactions that move stock (two accounts' order
 * pages, a batch closing beside a sync) do not queue on the MAIN location row. Before, each one
 * upserted that row and held its lock until commit, so every stock-moving transaction of the whole
 * service ran one after another. PostgreSQL only: PGlite has one connection, transactions queue anyway.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultLocationId } from '../../src/modules/inventory/stock-ledger.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('lets a second transaction find the main warehouse while a first one that found it is still open', async () => {
  const prisma = t.app.services.prisma;
  const created = await prisma.$transaction((tx) => defaultLocationId(tx));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let firstFound: string | null = null;
  const first = prisma.$transaction(async (tx) => {
    firstFound = await defaultLocationId(tx);
    await held;
  }, { timeout: 30_000 });
  await waitFor(async () => firstFound, { timeoutMs: 10_000, what: 'the first transaction to find the main warehouse' });
  let secondFound: string | null = null;
  const second = prisma.$transaction((tx) => defaultLocationId(tx)).then((id) => (secondFound = id));
  try {
    await waitFor(async () => secondFound, { timeoutMs: 5_000, what: 'the second transaction to find it while the first is open' });
  } finally {
    release();
    await first;
    await second.catch(() => undefined); // blocked past its timeout: the waitFor above already failed
  }
  expect([firstFound, secondFound]).toEqual([created, created]);
});
