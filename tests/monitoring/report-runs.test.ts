import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { walkConnection } from '../helpers/paging.js';
import { minutesAgo, seedRun } from './seed-runs.js';

// syncReport lists the runs of its period (a paged connection, newest first) beside the totals,
// filterable as syncRuns; runs created before the period are not in it.
let t: TestApp;
const inPeriod: { id: string; account: string; status: string }[] = [];
let old: string;

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' });
  const emag = (await seedAccount(t, 'r emag', 'EMAG')).id;
  const ozon = (await seedAccount(t, 'r ozon', 'OZON')).id;
  const statuses = ['SUCCESS', 'FAILED', 'PARTIAL'] as const;
  // 130 runs in the last 2 days (more than a page), one 3 days ago.
  for (let i = 0; i < 130; i++) {
    const account = i % 2 ? ozon : emag;
    const status = statuses[i % 3]!;
    const run = await seedRun(t, account, { status, createdAt: minutesAgo(10 + i * 20) });
    inPeriod.push({ id: run.id, account, status });
  }
  old = (await seedRun(t, emag, { status: 'SUCCESS', createdAt: minutesAgo(3 * 24 * 60) })).id;
});
afterAll(() => t?.close());

const REPORT = `query($days: Int, $filter: SyncRunFilter, $first: Int, $after: String) { syncReport(days: $days) { total
  runs(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status } } } } }`;

describe('syncReport runs', () => {
  it('pages through every run of the period, newest first, as many as the total', async () => {
    const report = dataOf(await t.gql(REPORT, { days: 2, first: 10 })).syncReport;
    expect(report.total).toBe(130);
    expect(report.runs.totalCount).toBe(130);
    expect(report.runs.edges).toHaveLength(10);
    const walked = await walkConnection(async (q, v, tok) => {
      const r = await t.gql(q, v, tok);
      return { ...r, data: r.data && { runs: r.data.syncReport.runs } };
    }, REPORT, 'runs', { days: 2 });
    expect(walked.ids).toEqual(inPeriod.map((r) => r.id));
    expect(walked.ids).not.toContain(old);
  });

  it('filters the runs of the period by status and account', async () => {
    const emag = inPeriod[0]!.account;
    const r = dataOf(await t.gql(REPORT, { days: 2, first: 100, filter: { status: ['FAILED'], accountId: emag } })).syncReport.runs;
    const expected = inPeriod.filter((x) => x.status === 'FAILED' && x.account === emag).map((x) => x.id);
    expect(r.totalCount).toBe(expected.length);
    expect(r.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected);
  });

  it('includes the older run once the period covers it', async () => {
    const r = dataOf(await t.gql(REPORT, { days: 4, first: 1 })).syncReport.runs;
    expect(r.totalCount).toBe(131);
  });
});
