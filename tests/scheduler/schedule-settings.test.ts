/**
 * The environment's say over default schedules (SYNC_INTERVAL_<KIND>_MINUTES, FULL_SYNC_HOUR,
 * SCHEDULER_TIME_ZONE): it applies when a default row is created, at the first start that sees its
 * account; later starts with other values leave existing rows, edited or not, as they are. One
 * database is shared by successive starts (timers off, no first sync: nothing fires here).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFireTime, spreadOffset } from '../../src/scheduler/schedule-timing.js';
import { createSharedDatabase, dataOf, startTestApp, type SharedDatabase, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';

const SCHEDULE = 'id key cron intervalSeconds timeZone nextFireAt';
const UPDATE = `mutation($input: UpdateScheduleInput!) { updateSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { schedule { ${SCHEDULE} } ${ERRORS} } }`;
const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERRORS} } }`;

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
let database: SharedDatabase;
let t: TestApp | undefined;

async function restart(env: Record<string, string>): Promise<TestApp> {
  await t?.close();
  const started = await startTestApp({ ...database.env, ADMIN_TOKEN: ADMIN, SCHEDULER_ENABLED: 'true', ...env }, { scheduler: { timers: false, firstSync: false } });
  t = { ...started, adminToken: ADMIN, gql: (query, variables, token = ADMIN) => started.gql(query, variables, token) };
  return t;
}
const gql = (query: string, variables?: Record<string, unknown>) => t!.gql(query, variables);
const rowsOf = (accountId: string) => t!.app.services.prisma.schedule.findMany({ where: { accountId }, orderBy: { key: 'asc' } });

async function createEmag(name: string, fulfillment: 'MAIN' | 'FBE'): Promise<string> {
  const input = { channel: 'EMAG', fulfillment, name, baseUrl: 'http://127.0.0.1:9', credentials: { username: 'u', password: `p-${randomBytes(4).toString('hex')}` } };
  const r = dataOf(await gql(CREATE_ACCOUNT, { input })).createAccount;
  expect(r.errors).toEqual([]);
  return r.account.id;
}

beforeAll(async () => {
  database = await createSharedDatabase('schedsettings');
});

afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe('default schedules from the environment', () => {
  it('apply at the first start that sees the account; an edited row survives a restart with other values', async () => {
    const first = { SYNC_INTERVAL_EMAG_FBE_MINUTES: '20', FULL_SYNC_HOUR: '3', SCHEDULER_TIME_ZONE: 'Europe/Bucharest' };
    await restart(first);
    const fbe = await createEmag('eMAG FBE env', 'FBE');
    const main = await createEmag('eMAG MAIN env', 'MAIN');
    await restart(first);

    const minute = spreadOffset(fbe, 60);
    const [fbeFull, fbeIncremental] = await rowsOf(fbe);
    expect(fbeIncremental).toMatchObject({ key: `sync:${fbe}:incremental`, mode: 'INCREMENTAL', intervalSeconds: 1200, cron: null });
    expect(fbeFull).toMatchObject({ key: `sync:${fbe}:full`, mode: 'FULL', cron: `${minute} 3 * * *`, timeZone: 'Europe/Bucharest' });
    // 03:mm in Bucharest: 01:mm UTC in winter, 00:mm UTC in summer.
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Bucharest', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(fbeFull!.nextFireAt!);
    expect(local).toBe(`03:${String(minute).padStart(2, '0')}`);
    // Not set: eMAG MAIN keeps the eMAG scheduler's 30 minutes.
    expect((await rowsOf(main))[1]).toMatchObject({ mode: 'INCREMENTAL', intervalSeconds: 1800 });

    // The user edits one row; the next start has other values.
    const edited = dataOf(await gql(UPDATE, { input: { id: fbeIncremental!.id, intervalSeconds: 600 } })).updateSchedule;
    expect(edited).toMatchObject({ errors: [], schedule: { intervalSeconds: 600 } });
    const before = [...(await rowsOf(fbe)), ...(await rowsOf(main))];
    const second = { SYNC_INTERVAL_EMAG_FBE_MINUTES: '45', SYNC_INTERVAL_EMAG_MAIN_MINUTES: '10', FULL_SYNC_HOUR: '5', SCHEDULER_TIME_ZONE: 'UTC' };
    await restart(second);
    expect([...(await rowsOf(fbe)), ...(await rowsOf(main))]).toEqual(before);

    // A new account gets the values in force when its rows are created.
    const later = await createEmag('eMAG FBE later', 'FBE');
    await restart(second);
    const [laterFull, laterIncremental] = await rowsOf(later);
    expect(laterIncremental).toMatchObject({ intervalSeconds: 2700 });
    expect(laterFull).toMatchObject({ cron: `${spreadOffset(later, 60)} 5 * * *`, timeZone: 'UTC' });
  });

  it('a schedule\'s zone is shown, editable and validated; cron is read in it', async () => {
    const [full] = await rowsOf((await t!.app.services.prisma.marketplaceAccount.findFirstOrThrow({ where: { name: 'eMAG FBE env' } })).id);
    const before = await t!.app.services.prisma.schedule.findUniqueOrThrow({ where: { id: full!.id } });
    const bad = dataOf(await gql(UPDATE, { input: { id: full!.id, timeZone: 'Mars/Olympus' } })).updateSchedule;
    expect(bad).toMatchObject({ schedule: null, errors: [{ code: 'VALIDATION', field: ['input', 'timeZone'] }] });
    expect(bad.errors[0].message).toMatch(/IANA time zone/);
    expect(await t!.app.services.prisma.schedule.findUniqueOrThrow({ where: { id: full!.id } })).toEqual(before);

    const moved = dataOf(await gql(UPDATE, { input: { id: full!.id, timeZone: 'America/New_York' } })).updateSchedule;
    expect(moved.errors).toEqual([]);
    expect(moved.schedule).toMatchObject({ cron: before.cron, timeZone: 'America/New_York' });
    expect(new Date(moved.schedule.nextFireAt)).toEqual(nextFireTime({ cron: before.cron, timeZone: 'America/New_York' }, new Date(Date.now() - 60_000)));

    // A new schedule's zone defaults to SCHEDULER_TIME_ZONE (UTC in this start).
    const created = dataOf(await gql(CREATE, { input: { accountId: full!.accountId, cron: '0 4 * * *' } })).createSchedule;
    expect(created).toMatchObject({ errors: [], schedule: { timeZone: 'UTC', cron: '0 4 * * *' } });
    expect(new Date(created.schedule.nextFireAt).getUTCHours()).toBe(4);
    const zoned = dataOf(await gql(CREATE, { input: { accountId: full!.accountId, cron: '0 4 * * *', timeZone: 'Asia/Tokyo' } })).createSchedule;
    expect(zoned).toMatchObject({ errors: [], schedule: { timeZone: 'Asia/Tokyo' } });
    expect(new Date(zoned.schedule.nextFireAt).getUTCHours()).toBe(19);
  });
});
