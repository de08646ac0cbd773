/**
 * Default schedules and the schedules API, through the real service started with the scheduler
 * on (timers off: nothing fires by itself here). One database is shared by successive starts,
 * so restarts are real: defaults are created once, edits survive, the first sync happens once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spreadOffset } from '../../src/scheduler/schedule-timing.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { createSharedDatabase, dataOf, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';
import { waitForRun } from '../helpers/sync.js';

const SCHEDULE = 'id key kind isDefault enabled cron intervalSeconds scope mode nextFireAt lastFiredAt lastError account { id }';
const UPDATE = `mutation($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const DELETE = `mutation($input: ScheduleIdInput!) { deleteSchedule(input: $input) { schedule { id key } ${ERRORS} } }`;
const LIST = `query($filter: ScheduleFilter) { schedules(filter: $filter, first: 100) { totalCount edges { node { ${SCHEDULE} } } } }`;

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
let database: SharedDatabase;
let t: TestApp | undefined;
let storefront: Simulator;
let emag: Simulator;
const ids = { storefront: '', emag: '', ozon: '' };

/** The service on the shared database; its requests carry the fixed admin token unless told otherwise. */
async function start(): Promise<TestApp> {
  const started = await startTestApp({ ...database.env, ADMIN_TOKEN: ADMIN, SCHEDULER_ENABLED: 'true' }, { scheduler: { timers: false } });
  return { ...started, adminToken: ADMIN, gql: (query, variables, token = ADMIN) => started.gql(query, variables, token) };
}
async function restart() {
  await t?.close();
  t = await start();
  return t;
}
const app = () => t!;
const prisma = () => app().app.services.prisma;
const gql = (query: string, variables?: Record<string, unknown>, token: string | null = ADMIN) => app().gql(query, variables, token);
const list = async (filter?: Record<string, unknown>) => dataOf(await gql(LIST, { filter })).schedules;
const snapshot = () => prisma().schedule.findMany({ orderBy: { key: 'asc' } });

const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`;

async function createAccount(sim: Simulator, name: string): Promise<string> {
  const input = { channel: sim.channel, name, baseUrl: sim.url, credentials: sim.credentials, rateLimits: sim.rateLimits, ...(sim.channel === 'EMAG' ? { fulfillment: sim.fulfillment } : {}) };
  const r = dataOf(await gql(CREATE_ACCOUNT, { input })).createAccount;
  expect(r.errors).toEqual([]);
  return r.account.id;
}

beforeAll(async () => {
  database = await createSharedDatabase('schedules');
  [storefront, emag] = await Promise.all([startFastSimulator('STOREFRONT', { offers: 20, seed: 3 }), startFastSimulator('EMAG', { offers: 20, seed: 4 })]);
  t = await start();
});

afterAll(async () => {
  await t?.close();
  await Promise.all([storefront?.stop(), emag?.stop()]);
  await database?.drop();
});

describe('default schedules', () => {
  it('exist from the first start: log and task retention, statistics refresh', async () => {
    const rows = await snapshot();
    expect(rows.map((r) => [r.key, r.kind, r.cron, r.intervalSeconds, r.enabled, r.accountId])).toEqual([
      ['log-retention', 'LOG_RETENTION', '15 3 * * *', null, true, null],
      ['stats-refresh', 'STATS_REFRESH', null, 300, true, null],
      ['task-retention', 'TASK_RETENTION', '40 * * * *', null, true, null],
    ]);
    for (const r of rows) expect(r.nextFireAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(rows.find((r) => r.key === 'stats-refresh')!.nextFireAt!.getTime() % 300_000).toBe(0);
  });

  it('per enabled account, spread by account id; a first sync once per account at start; restarts keep edits and add nothing', async () => {
    ids.storefront = await createAccount(storefront, 'Storefront');
    ids.emag = await createAccount(emag, 'eMAG main');
    const ozon = dataOf(
      await gql(CREATE_ACCOUNT, {
        input: { channel: 'OZON', name: 'Ozon off', baseUrl: 'http://127.0.0.1:9', credentials: { clientId: '123', apiKey: 'k' }, enabled: false },
      }),
    ).createAccount;
    ids.ozon = ozon.account.id;

    // The accounts appeared after this start: their defaults come with the next start (or re-read).
    await restart();
    const rows = await snapshot();
    expect(rows.map((r) => r.key)).toEqual(
      [`sync:${ids.emag}:full`, `sync:${ids.emag}:incremental`, `sync:${ids.emag}:orders`, `sync:${ids.storefront}:incremental`, 'log-retention', 'stats-refresh', 'task-retention'].sort(),
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const minute = spreadOffset(ids.emag, 60);
    // eMAG MAIN: every 30 minutes (at :m+15 and :m+45), FULL daily at 02:m UTC.
    expect(emag.fulfillment).toBe('MAIN');
    expect(byKey.get(`sync:${ids.emag}:incremental`)).toMatchObject({ kind: 'SYNC', accountId: ids.emag, scope: 'ALL', mode: 'INCREMENTAL', cron: null, intervalSeconds: 1800 });
    expect(byKey.get(`sync:${ids.emag}:full`)).toMatchObject({ kind: 'SYNC', accountId: ids.emag, scope: 'ALL', mode: 'FULL', cron: `${minute} 2 * * *`, timeZone: 'UTC' });
    const daily = byKey.get(`sync:${ids.emag}:full`)!.nextFireAt!;
    expect([daily.getUTCHours(), daily.getUTCMinutes(), daily.getUTCSeconds()]).toEqual([2, minute, 0]);
    expect([(minute + 15) % 60, (minute + 45) % 60]).toContain(byKey.get(`sync:${ids.emag}:incremental`)!.nextFireAt!.getUTCMinutes());
    expect(byKey.get(`sync:${ids.emag}:incremental`)!.nextFireAt!.getTime() - Date.now()).toBeLessThanOrEqual(1_800_000);
    const sf = byKey.get(`sync:${ids.storefront}:incremental`)!;
    expect(sf).toMatchObject({ mode: 'INCREMENTAL', scope: 'ALL', cron: null, intervalSeconds: 300 });
    // Every 5 minutes, offset by a stable number of seconds from the account id.
    expect((sf.nextFireAt!.getTime() / 1000 - spreadOffset(ids.storefront, 300)) % 300).toBe(0);
    expect(sf.nextFireAt!.getTime() - Date.now()).toBeLessThanOrEqual(300_000);

    // The first sync: one INCREMENTAL ALL run per enabled account, by the scheduler.
    const runs = await prisma().syncRun.findMany({ orderBy: { createdAt: 'asc' } });
    expect(runs.map((r) => [r.accountId, r.mode, r.scope, r.triggeredBy]).sort()).toEqual(
      [
        [ids.emag, 'INCREMENTAL', 'ALL', 'scheduler'],
        [ids.storefront, 'INCREMENTAL', 'ALL', 'scheduler'],
      ].sort(),
    );
    for (const run of runs) expect((await waitForRun(app(), run.id)).status).toBe('SUCCESS');

    // A user's edits...
    const edited = dataOf(await gql(UPDATE, { input: { id: byKey.get(`sync:${ids.emag}:incremental`)!.id, cron: '7 */2 * * *' } })).updateSchedule;
    expect(edited).toMatchObject({ errors: [], schedule: { cron: '7 */2 * * *', intervalSeconds: null, isDefault: true } });
    const off = dataOf(await gql(UPDATE, { input: { id: sf.id, enabled: false } })).updateSchedule;
    expect(off).toMatchObject({ errors: [], schedule: { enabled: false, nextFireAt: null } });
    const before = await snapshot();

    // ...survive restarts; nothing is added twice, no second first sync.
    await restart();
    await restart();
    expect(await snapshot()).toEqual(before);
    expect(await prisma().syncRun.count()).toBe(2);
  });
});

describe('schedules API', () => {
  it('lists with filters by account, kind and enabled', async () => {
    const all = await list();
    expect(all.totalCount).toBe(7);
    const emagRows = await list({ accountId: ids.emag });
    expect(emagRows.edges.map((e: any) => `${e.node.mode} ${e.node.scope}`).sort()).toEqual(['FULL ALL', 'INCREMENTAL ALL', 'INCREMENTAL ORDERS']);
    expect(emagRows.edges.every((e: any) => e.node.account.id === ids.emag && e.node.kind === 'SYNC')).toBe(true);
    expect((await list({ kind: 'LOG_RETENTION' })).edges.map((e: any) => e.node.key)).toEqual(['log-retention']);
    expect((await list({ enabled: false })).edges.map((e: any) => e.node.key)).toEqual([`sync:${ids.storefront}:incremental`]);
    expect((await list({ accountId: 'not-an-id' })).totalCount).toBe(0);
    const viewer = await app().tokenFor('VIEWER');
    expect(dataOf(await gql(LIST, {}, viewer)).schedules.totalCount).toBe(7);
  });

  it('refuses bad input with typed errors naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const sync = before.find((r) => r.key === `sync:${ids.emag}:full`)!;
    const logs = before.find((r) => r.key === 'log-retention')!;
    const cases: Array<[Record<string, unknown>, string, string, RegExp]> = [
      [{ id: sync.id, cron: '61 * * * *' }, 'VALIDATION', 'input.cron', /cron "61 \* \* \* \*" is not a valid 5-field cron expression: .*range 0-59/],
      [{ id: sync.id, cron: '0 * * *' }, 'VALIDATION', 'input.cron', /5 fields/],
      [{ id: sync.id, cron: '@hourly' }, 'VALIDATION', 'input.cron', /5 fields/],
      [{ id: sync.id, cron: '0 * * * *', intervalSeconds: 600 }, 'VALIDATION', 'input.intervalSeconds', /either cron or intervalSeconds, not both/],
      [{ id: sync.id, intervalSeconds: 9 }, 'VALIDATION', 'input.intervalSeconds', /at least 10/],
      [{ id: sync.id, intervalSeconds: 40_000_000 }, 'VALIDATION', 'input.intervalSeconds', /at most/],
      [{ id: logs.id, scope: 'ORDERS' }, 'VALIDATION', 'input.scope', /only SYNC schedules have a scope/],
      [{ id: logs.id, mode: 'FULL', enabled: false }, 'VALIDATION', 'input.mode', /only SYNC schedules have a mode/],
      [{ id: '00000000-0000-4000-8000-000000000000', enabled: false }, 'NOT_FOUND', 'input.id', /No schedule/],
      [{ id: 'nope', enabled: false }, 'VALIDATION', 'input.id', /valid id/],
    ];
    for (const [input, code, field, message] of cases) {
      const r = dataOf(await gql(UPDATE, { input })).updateSchedule;
      expect(r.schedule, JSON.stringify(input)).toBeNull();
      expect(r.errors, JSON.stringify(input)).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ code, field: field.split('.') });
      expect(r.errors[0].message).toMatch(message);
    }
    const created = [
      [dataOf(await gql(CREATE, { input: { accountId: ids.emag } })).createSchedule, 'VALIDATION', 'input.cron'],
      [dataOf(await gql(CREATE, { input: { accountId: '00000000-0000-4000-8000-000000000000', intervalSeconds: 600 } })).createSchedule, 'NOT_FOUND', 'input.accountId'],
      [dataOf(await gql(DELETE, { input: { id: sync.id } })).deleteSchedule, 'NOT_DELETABLE', 'input.id'],
    ] as const;
    for (const [r, code, field] of created) expect(r).toMatchObject({ schedule: null, errors: [{ code, field: field.split('.') }] });
    // A SELECTIVE scheduled sync is not even expressible.
    expect((await gql(UPDATE, { input: { id: sync.id, mode: 'SELECTIVE' } })).errors?.[0]?.message).toMatch(/SELECTIVE/);

    // Roles: reading is VIEWER, editing ADMIN, pausing OPERATOR.
    const operator = await app().tokenFor('OPERATOR');
    expect((await gql(UPDATE, { input: { id: sync.id, enabled: false } }, operator)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(CREATE, { input: { accountId: ids.emag, intervalSeconds: 600 } }, operator)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(UPDATE, { input: { id: sync.id, enabled: false } }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    expect(await snapshot()).toEqual(before);
  });

  it('switches between cron and interval; creates and deletes an extra SYNC schedule', async () => {
    const sync = (await snapshot()).find((r) => r.key === `sync:${ids.emag}:full`)!;
    const t0 = Date.now();
    const toInterval = dataOf(await gql(UPDATE, { input: { id: sync.id, intervalSeconds: 3600, scope: 'PRODUCTS' } })).updateSchedule;
    expect(toInterval).toMatchObject({ errors: [], schedule: { cron: null, intervalSeconds: 3600, scope: 'PRODUCTS', mode: 'FULL', enabled: true } });
    const next = new Date(toInterval.schedule.nextFireAt).getTime();
    expect(next).toBeGreaterThanOrEqual(t0 + 3_600_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const toCron = dataOf(await gql(UPDATE, { input: { id: sync.id, cron: '30 4 * * 1' } })).updateSchedule;
    expect(toCron).toMatchObject({ errors: [], schedule: { cron: '30 4 * * 1', intervalSeconds: null } });
    const monday = new Date(toCron.schedule.nextFireAt);
    expect([monday.getUTCDay(), monday.getUTCHours(), monday.getUTCMinutes()]).toEqual([1, 4, 30]);
    // Changing only what it syncs keeps the fire time (a firing claimed meanwhile is not undone).
    const modeOnly = dataOf(await gql(UPDATE, { input: { id: sync.id, mode: 'INCREMENTAL' } })).updateSchedule;
    expect(modeOnly.schedule).toMatchObject({ mode: 'INCREMENTAL', nextFireAt: toCron.schedule.nextFireAt });

    const extra = dataOf(await gql(CREATE, { input: { accountId: ids.emag, intervalSeconds: 900, scope: 'ORDERS' } })).createSchedule;
    expect(extra).toMatchObject({ errors: [], schedule: { kind: 'SYNC', isDefault: false, scope: 'ORDERS', mode: 'INCREMENTAL', intervalSeconds: 900, enabled: true, account: { id: ids.emag } } });
    expect(extra.schedule.key).toMatch(/^custom:/);
    const deleted = dataOf(await gql(DELETE, { input: { id: extra.schedule.id } })).deleteSchedule;
    expect(deleted).toEqual({ errors: [], schedule: { id: extra.schedule.id, key: extra.schedule.key } });
    expect(await prisma().schedule.count({ where: { id: extra.schedule.id } })).toBe(0);
  });
});
