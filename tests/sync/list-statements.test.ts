import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';

// Issue 17 item 2: the sync run and log lists, with what a screen shows beside each row (its
// account, a run's errors), are read in a constant number of statements whatever the page size.
let t: TestApp;
const ACCOUNTS = 12;

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  for (let a = 0; a < ACCOUNTS; a++) {
    const account = await seedAccount(t, `lists ${a}`, a % 2 ? 'OZON' : 'STOREFRONT');
    for (let r = 0; r < 3; r++) {
      const run = await prisma.syncRun.create({
        data: { accountId: account.id, scope: 'ALL', mode: 'FULL', conflictStrategy: 'REMOTE_PRIORITY', triggeredBy: 'test', status: 'PARTIAL', error: `run ${a}.${r}` },
      });
      await prisma.syncLog.createMany({
        data: [0, 1, 2].map((i) => ({ runId: run.id, accountId: account.id, level: i === 2 ? ('INFO' as const) : ('ERROR' as const), message: `log ${a}.${r}.${i}` })),
      });
    }
  }
});
afterAll(() => t?.close());

// Reads only: the workers of the test app (sync runner, retention) write and claim runs meanwhile.
const reads = (pattern: RegExp) => t.queries.filter((sql) => /^\s*SELECT/i.test(sql) && !/FOR UPDATE|SKIP LOCKED/i.test(sql) && pattern.test(sql));

describe('list statements', () => {
  it('reads a page of sync runs with their accounts and errors in a constant number of statements', async () => {
    const q = `query($first: Int) { syncRuns(first: $first) { totalCount edges { node { id status error account { name channel } errors(first: 5) { level message } } } } }`;
    const counts: number[] = [];
    for (const first of [3, 30]) {
      t.resetQueries();
      const r = dataOf(await t.gql(q, { first }));
      expect(r.syncRuns.edges).toHaveLength(first);
      expect(r.syncRuns.edges.every((e: any) => e.node.account.name.startsWith('lists ') && e.node.errors.length === 2)).toBe(true);
      counts.push(reads(/"(SyncRun|SyncLog|MarketplaceAccount)"/).length);
    }
    // The page with accounts and errors (relation joins) and the count.
    expect(counts[0], reads(/"(SyncRun|SyncLog|MarketplaceAccount)"/).join("\n")).toBeLessThanOrEqual(2);
    expect(counts[1]).toBe(counts[0]);
  });

  it('reads a page of sync logs with their accounts in a constant number of statements', async () => {
    const q = `query($first: Int) { syncLogs(first: $first) { totalCount edges { node { id level message runId account { name channel } } } } }`;
    const counts: number[] = [];
    for (const first of [3, 60]) {
      t.resetQueries();
      const r = dataOf(await t.gql(q, { first }));
      expect(r.syncLogs.edges).toHaveLength(first);
      expect(r.syncLogs.edges.every((e: any) => e.node.account.name.startsWith('lists '))).toBe(true);
      counts.push(reads(/"(SyncLog|MarketplaceAccount)"/).length);
    }
    expect(counts[0], reads(/"(SyncRun|SyncLog|MarketplaceAccount)"/).join("\n")).toBeLessThanOrEqual(2);
    expect(counts[1]).toBe(counts[0]);
  });
});
