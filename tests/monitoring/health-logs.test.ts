import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';

// syncHealth answers "errors and warnings in the last hour" (overall and per account) and when
// each account last wrote a log line, as the stock-sync system's status page did. The clock is
// fixed, so the hour's edges are exact: (now - 1 h, now].
const NOW = new Date(Date.UTC(2026, 10, 20, 12));
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
let t: TestApp;
let busy: string;
let quiet: string;
let silent: string;

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' }, { monitoring: { now: () => NOW } });
  busy = (await seedAccount(t, 'h busy', 'EMAG')).id;
  quiet = (await seedAccount(t, 'h quiet', 'OZON')).id;
  silent = (await seedAccount(t, 'h silent', 'STOREFRONT')).id;
  const line = (accountId: string | null, level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', at: Date) => ({ accountId, level, message: `${level} line`, createdAt: at });
  await t.app.services.prisma.syncLog.createMany({
    data: [
      line(busy, 'ERROR', ago(1)),
      line(busy, 'ERROR', ago(59)),
      line(busy, 'ERROR', ago(60)), // exactly an hour ago: outside (now - 1 h, now]
      line(busy, 'WARN', ago(5)),
      line(busy, 'WARN', ago(30)),
      line(busy, 'WARN', ago(30)),
      line(busy, 'INFO', ago(0.5)), // the newest line: its time is lastLogAt
      line(busy, 'DEBUG', ago(2)),
      line(quiet, 'WARN', ago(61)),
      line(quiet, 'ERROR', ago(24 * 60)),
      line(null, 'ERROR', ago(10)), // a line of no account counts overall only
      line(null, 'WARN', ago(90)),
    ],
  });
});
afterAll(() => t?.close());

const HEALTH = `{ syncHealth { errorsLastHour warningsLastHour accounts { account { id } errorsLastHour warningsLastHour lastLogAt } } }`;

describe('syncHealth log facts', () => {
  it('counts the last hour\'s errors and warnings overall and per account, and gives each account\'s last log time', async () => {
    const h = dataOf(await t.gql(HEALTH, {}, await t.tokenFor('VIEWER'))).syncHealth;
    expect({ errors: h.errorsLastHour, warnings: h.warningsLastHour }).toEqual({ errors: 3, warnings: 3 });
    const of = (id: string) => h.accounts.find((a: { account: { id: string } }) => a.account.id === id);
    expect(of(busy)).toEqual({ account: { id: busy }, errorsLastHour: 2, warningsLastHour: 3, lastLogAt: ago(0.5).toISOString() });
    expect(of(quiet)).toEqual({ account: { id: quiet }, errorsLastHour: 0, warningsLastHour: 0, lastLogAt: ago(61).toISOString() });
    expect(of(silent)).toEqual({ account: { id: silent }, errorsLastHour: 0, warningsLastHour: 0, lastLogAt: null });
  });

  it('reads the log table in a fixed number of statements, whatever the number of accounts', async () => {
    t.resetQueries();
    await t.gql(HEALTH);
    const first = t.queries.filter((sql) => sql.includes('"SyncLog"')).length;
    for (let i = 0; i < 5; i++) await seedAccount(t, `h more ${i}`, 'OZON');
    t.resetQueries();
    await t.gql(HEALTH);
    expect(first).toBeGreaterThan(0);
    expect(t.queries.filter((sql) => sql.includes('"SyncLog"')).length).toBe(first);
  });
});
