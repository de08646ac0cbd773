import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { cmp, walkConnection } from '../helpers/paging.js';
import { seedRun, type RunStatus } from '../monitoring/seed-runs.js';

// syncLogs filter by channel, by the status of their run and by a time range (since/until), and
// syncRuns by channel and status, as the stock-sync system's log and run screens did; each filter
// combines with the others. Expected answers are computed from the seeded rows.
let t: TestApp;
type Log = { id: string; channel: string; runStatus: RunStatus | null; level: string; createdAt: number };
type Run = { id: string; channel: string; status: RunStatus };
const logs: Log[] = [];
const runs: Run[] = [];
const T0 = Date.UTC(2026, 10, 10, 12);
const minute = 60_000;

beforeAll(async () => {
  // No worker: the seeded PENDING runs stay as they are.
  t = await startTestApp({ ROLE: 'api' });
  const prisma = t.app.services.prisma;
  const accounts = [await seedAccount(t, 'f emag', 'EMAG'), await seedAccount(t, 'f ozon', 'OZON'), await seedAccount(t, 'f shop', 'STOREFRONT')];
  const statuses: RunStatus[] = ['SUCCESS', 'FAILED', 'PARTIAL', 'CANCELLED'];
  let n = 0;
  for (const [a, account] of accounts.entries()) {
    for (const [s, status] of statuses.entries()) {
      const run = await seedRun(t, account.id, { status, createdAt: new Date(T0 + (a * 4 + s) * minute) });
      runs.push({ id: run.id, channel: account.channel, status });
      const rows = Array.from({ length: 9 }, (_, i) => ({ level: (['INFO', 'WARN', 'ERROR'] as const)[i % 3]!, createdAt: new Date(T0 + (n++ % 60) * minute + i * 1000) }));
      await prisma.syncLog.createMany({ data: rows.map((r) => ({ ...r, runId: run.id, accountId: account.id, message: `${status} ${r.level}` })) });
    }
    // Account lines outside any run (connection tests, pushes).
    await prisma.syncLog.createMany({ data: [{ accountId: account.id, level: 'INFO', message: 'outside a run', createdAt: new Date(T0 + (30 + a) * minute) }] });
  }
  const stored = await prisma.syncLog.findMany({ include: { account: true, run: true } });
  logs.push(...stored.map((l) => ({ id: l.id, channel: l.account!.channel, runStatus: (l.run?.status as RunStatus) ?? null, level: l.level, createdAt: l.createdAt.getTime() })));
});
afterAll(() => t?.close());

const LOGS = `query($filter: SyncLogFilter, $first: Int, $after: String) {
  syncLogs(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
const RUNS = `query($filter: SyncRunFilter, $first: Int, $after: String) {
  syncRuns(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
const iso = (ms: number) => new Date(ms).toISOString();
const newestFirst = (rows: Log[]) => [...rows].sort((a, b) => b.createdAt - a.createdAt || -cmp(a.id, b.id)).map((l) => l.id);

describe('syncLogs filters', () => {
  const cases: [Record<string, unknown>, (l: Log) => boolean][] = [
    [{ channel: 'OZON' }, (l) => l.channel === 'OZON'],
    [{ runStatus: ['FAILED'] }, (l) => l.runStatus === 'FAILED'],
    [{ runStatus: ['FAILED', 'PARTIAL'], channel: 'EMAG' }, (l) => (l.runStatus === 'FAILED' || l.runStatus === 'PARTIAL') && l.channel === 'EMAG'],
    [{ since: iso(T0 + 10 * minute) }, (l) => l.createdAt >= T0 + 10 * minute],
    [{ until: iso(T0 + 10 * minute) }, (l) => l.createdAt < T0 + 10 * minute],
    [{ since: iso(T0 + 5 * minute), until: iso(T0 + 20 * minute), level: 'WARN' }, (l) => l.createdAt >= T0 + 5 * minute && l.createdAt < T0 + 20 * minute && l.level !== 'INFO'],
    [{ since: iso(T0 + 30 * minute), until: iso(T0 + 33 * minute), channel: 'STOREFRONT' }, (l) => l.createdAt >= T0 + 30 * minute && l.createdAt < T0 + 33 * minute && l.channel === 'STOREFRONT'],
  ];

  it.each(cases)('%j: exactly the matching entries, newest first', async (filter, predicate) => {
    const expected = newestFirst(logs.filter(predicate));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(logs.length);
    const { ids, totalCount } = await walkConnection(t.gql, LOGS, 'syncLogs', { filter });
    expect(totalCount).toBe(expected.length);
    expect(ids).toEqual(expected);
  });

  it('an empty runStatus list does not filter', async () => {
    expect(dataOf(await t.gql(LOGS, { filter: { runStatus: [] } })).syncLogs.totalCount).toBe(logs.length);
  });

  it('refuses since after until as BAD_USER_INPUT, and accepts an empty range', async () => {
    const r = await t.gql(LOGS, { filter: { since: iso(T0 + minute), until: iso(T0) } });
    expect(r.data?.syncLogs ?? null).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field: ['filter', 'until'] } });
    expect(dataOf(await t.gql(LOGS, { filter: { since: iso(T0), until: iso(T0) } })).syncLogs.totalCount).toBe(0);
  });

  it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-11-10', '2026-11-10T12:00:00'])('refuses the time %j (impossible, or without a time or zone) as BAD_USER_INPUT naming it', async (since) => {
    const r = await t.gql(LOGS, { filter: { since } });
    expect(r.data?.syncLogs ?? null).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({ message: expect.stringContaining(`"${since}" at "filter.since"`), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('syncRuns filters', () => {
  it.each([
    [{ channel: 'EMAG' }, (r: Run) => r.channel === 'EMAG'],
    [{ channel: 'OZON', status: ['FAILED', 'CANCELLED'] }, (r: Run) => r.channel === 'OZON' && (r.status === 'FAILED' || r.status === 'CANCELLED')],
    [{ status: ['SUCCESS'] }, (r: Run) => r.status === 'SUCCESS'],
  ] as const)('%j: exactly the matching runs', async (filter, predicate) => {
    const expected = runs.filter(predicate).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    const { ids, totalCount } = await walkConnection(t.gql, RUNS, 'syncRuns', { filter });
    expect(totalCount).toBe(expected.length);
    expect([...ids].sort()).toEqual(expected);
  });
});
