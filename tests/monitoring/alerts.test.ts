import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { openSubscriptions, openWsClient } from '../helpers/ws-client.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { syncNow } from '../helpers/sync.js';
import { minutesAgo, seedRun } from './seed-runs.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import type { DomainEvent } from '../../src/events/event-types.js';
import { evaluateAlerts } from '../../src/modules/monitoring/alerts.service.js';

const ALERT = 'id kind severity message active raisedAt resolvedAt account { id }';
const ALERTS = `query($active: Boolean, $accountId: ID, $kind: AlertKind) { alerts(active: $active, accountId: $accountId, kind: $kind, first: 50) { totalCount edges { node { ${ALERT} } } } }`;

/** Collects the domain events of the given types published on the app's bus, until `stop()`. */
function collect(t: TestApp, types: DomainEvent['type'][]) {
  const events: DomainEvent[] = [];
  const stream = t.app.services.events.subscribe(types);
  void (async () => {
    for await (const e of stream) events.push(e);
  })();
  return { events, stop: () => void stream.return(undefined) };
}

async function alertsOf(t: TestApp, variables: Record<string, unknown>) {
  const r = dataOf(await t.gql(ALERTS, variables)).alerts;
  return { totalCount: r.totalCount as number, nodes: r.edges.map((e: any) => e.node) as any[] };
}

describe('alerts raised by a failing marketplace, streamed, and resolved', () => {
  let t: TestApp;
  let sim: Simulator;
  let accountId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    // Two failures in a row raise; the error rate needs more runs than this test makes.
    t = await startTestApp({ ALERT_FAILURES_IN_A_ROW: '2', ALERT_ERROR_RATE_MIN_RUNS: '100' }, { syncRunner: { pageAttempts: 1, pageRetryDelayMs: 10 } });
    sim = await startFastSimulator('STOREFRONT', { offers: 20, seed: 11 });
    accountId = await createSimAccount(t, sim, 'flaky shop');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.close();
    await sim?.stop();
  });

  /** An alertRaised subscriber over graphql-ws; resolves once it is live. */
  async function subscribeAlerts(token: string) {
    const open = await openSubscriptions(t);
    const client = openWsClient(t.url, token, { lazy: true });
    clients.push(client);
    const received: any[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: `subscription($accountId: ID) { alertRaised(accountId: $accountId) { ${ALERT} } }`, variables: { accountId } },
      { next: (msg) => (msg.errors ? errors.push(msg.errors) : received.push((msg.data as any).alertRaised)), error: (e) => errors.push(e), complete: () => {} },
    );
    // graphql-ws acknowledges the connection before the subscription is live: wait until it listens
    // (the gauge counts a subscription once its event stream does).
    await waitFor(async () => (await openSubscriptions(t)) > open, { what: 'the alertRaised subscription to be live' });
    return { received, errors };
  }

  /** Waits until an evaluation that ran after `after` has seen the account's active alerts (it touches lastSeenAt). */
  async function evaluatedAfter(after: Date) {
    await waitFor(async () => {
      const active = await t.app.services.prisma.alert.findMany({ where: { accountId, activeKey: { not: null } } });
      return active.length > 0 && active.every((a) => a.lastSeenAt >= after);
    }, { what: 'an alert evaluation after the run' });
  }

  it('auth failures raise one AUTH_FAILURE at once and one REPEATED_FAILURES after N runs; a success resolves both; a later failure streak is a new alert', async () => {
    const sub = await subscribeAlerts(await t.tokenFor('VIEWER'));
    const bus = collect(t, ['alert.raised']);
    sim.setFaults({ authFailure: true });

    const first = await syncNow(t, accountId);
    expect(first.status).toBe('FAILED');
    expect(first.error).toMatch(/^authentication failed/);
    const auth = await waitFor(() => t.app.services.prisma.alert.findFirst({ where: { accountId, kind: 'AUTH_FAILURE', activeKey: { not: null } } }), { what: 'AUTH_FAILURE' });
    expect(auth).toMatchObject({ severity: 'CRITICAL', activeKey: `AUTH_FAILURE:${accountId}`, resolvedAt: null });
    expect(await t.app.services.prisma.alert.count({ where: { kind: 'REPEATED_FAILURES' } })).toBe(0);

    await syncNow(t, accountId);
    const repeated = await waitFor(() => t.app.services.prisma.alert.findFirst({ where: { accountId, kind: 'REPEATED_FAILURES', activeKey: { not: null } } }), { what: 'REPEATED_FAILURES' });
    expect(repeated).toMatchObject({ severity: 'CRITICAL', activeKey: `REPEATED_FAILURES:${accountId}` });
    expect(repeated.message).toMatch(/last 2 syncs of STOREFRONT account "flaky shop" failed \(latest: authentication failed/);

    // A third failure raises nothing new.
    const third = await syncNow(t, accountId);
    // The evaluation it triggers starts after the run's finish was stored.
    await evaluatedAfter((await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: third.id } })).finishedAt!);
    expect(await t.app.services.prisma.alert.count()).toBe(2);

    // Each raise was streamed once to the subscriber and published once as alert.raised.
    await waitFor(() => sub.received.length >= 2, { what: 'two streamed alerts' });
    expect(sub.errors).toEqual([]);
    expect(sub.received.map((a) => [a.kind, a.severity, a.active, a.account.id])).toEqual([
      ['AUTH_FAILURE', 'CRITICAL', true, accountId],
      ['REPEATED_FAILURES', 'CRITICAL', true, accountId],
    ]);
    expect(sub.received.map((a) => a.id)).toEqual([auth.id, repeated.id]);
    expect(bus.events.map((e) => e.payload)).toEqual([
      { alertId: auth.id, kind: 'AUTH_FAILURE', severity: 'CRITICAL', accountId, message: auth.message, raisedAt: auth.raisedAt.toISOString() },
      { alertId: repeated.id, kind: 'REPEATED_FAILURES', severity: 'CRITICAL', accountId, message: repeated.message, raisedAt: repeated.raisedAt.toISOString() },
    ]);

    // Health shows them: the account alerts, so syncing is DEGRADED (readiness stays 200).
    const health = dataOf(await t.gql(`{ syncHealth { status accounts { account { id } stale activeAlerts } } }`)).syncHealth;
    expect(health.status).toBe('DEGRADED');
    expect(health.accounts.find((a: any) => a.account.id === accountId)).toEqual({ account: { id: accountId }, stale: false, activeAlerts: ['AUTH_FAILURE', 'REPEATED_FAILURES'] });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).alertingAccounts).toEqual([{ id: accountId, channel: 'STOREFRONT', alerts: ['AUTH_FAILURE', 'REPEATED_FAILURES'] }]);

    const active = await alertsOf(t, { active: true, accountId });
    expect(active.totalCount).toBe(2);
    expect(active.nodes.map((a) => a.kind)).toEqual(['REPEATED_FAILURES', 'AUTH_FAILURE']); // newest first

    // The marketplace accepts the credentials again: one success resolves both.
    sim.setFaults({});
    expect((await syncNow(t, accountId)).status).toBe('SUCCESS');
    await waitFor(async () => (await t.app.services.prisma.alert.count({ where: { activeKey: { not: null } } })) === 0, { what: 'the alerts to resolve' });
    const resolved = await alertsOf(t, { active: false });
    expect(resolved.totalCount).toBe(2);
    expect(resolved.nodes.every((a) => a.active === false && a.resolvedAt !== null)).toBe(true);
    expect((await alertsOf(t, { active: true })).totalCount).toBe(0);
    expect(dataOf(await t.gql(`{ syncHealth { status } }`)).syncHealth.status).toBe('OK');
    // Resolutions are not raises: nothing more was streamed or published.
    expect(sub.received).toHaveLength(2);
    expect(bus.events).toHaveLength(2);

    // The same condition later is a new alert (a new row), raised and streamed again.
    sim.setFaults({ authFailure: true });
    await syncNow(t, accountId);
    await syncNow(t, accountId);
    await waitFor(async () => (await t.app.services.prisma.alert.count({ where: { activeKey: `REPEATED_FAILURES:${accountId}` } })) === 1, { what: 'a new REPEATED_FAILURES' });
    const all = await alertsOf(t, { accountId, kind: 'REPEATED_FAILURES' });
    expect(all.totalCount).toBe(2);
    expect(all.nodes.map((a) => a.active)).toEqual([true, false]);
    expect(all.nodes[0].id).not.toBe(repeated.id);
    await waitFor(() => sub.received.length === 4, { what: 'the new raises to stream' });
    expect(sub.received.slice(2).map((a) => a.kind).sort()).toEqual(['AUTH_FAILURE', 'REPEATED_FAILURES']);
    bus.stop();
    sim.setFaults({});
  });

  it('an outage (every request a 5xx) ends runs PARTIAL without a page, and they count as failures in a row', async () => {
    const outage = await createSimAccount(t, sim, 'down shop');
    sim.setFaults({ errorRate: 1 });
    try {
      const runs = [await syncNow(t, outage), await syncNow(t, outage)];
      expect(runs.map((r) => [r.status, r.pagesDone])).toEqual([
        ['PARTIAL', 0],
        ['PARTIAL', 0],
      ]);
      const alert = await waitFor(() => t.app.services.prisma.alert.findFirst({ where: { accountId: outage, kind: 'REPEATED_FAILURES', activeKey: { not: null } } }), { what: 'REPEATED_FAILURES on outage' });
      expect(alert.severity).toBe('CRITICAL');
      expect(await t.app.services.prisma.alert.count({ where: { accountId: outage } })).toBe(1);
    } finally {
      sim.setFaults({});
    }
    // Back up: the first run may still meet the rate-limit debt the outage's retries ran up (PARTIAL); a success follows.
    await waitFor(async () => (await syncNow(t, outage)).status === 'SUCCESS', { timeoutMs: 60_000, intervalMs: 0, what: 'a successful sync' });
    await waitFor(async () => (await t.app.services.prisma.alert.count({ where: { accountId: outage, activeKey: { not: null } } })) === 0, { what: 'resolution' });
  });

  it('alerts and alertRaised need a token', async () => {
    const r = await t.gql('{ alerts { totalCount } }', {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('alerts evaluated on the clock: error rate over the last hour, stale data, races', () => {
  let t: TestApp;
  let offsetMs = 0;
  let clockReads = 0;
  let accountId: string;

  beforeAll(async () => {
    // A clock the test moves; the monitor's periodic pass every 100 ms instead of every minute.
    t = await startTestApp({}, { monitoring: { now: () => (clockReads++, new Date(Date.now() + offsetMs)), alertIntervalMs: 100 } });
    accountId = (await seedAccount(t, 'seeded', 'OZON')).id;
  });
  afterAll(() => t?.close());

  /**
   * Resolves once a monitor pass that started after the call has ended: each evaluation reads the
   * clock once, and the monitor runs them one at a time, so the second read comes after it.
   */
  const monitorPassDone = () => {
    const from = clockReads;
    return waitFor(() => clockReads >= from + 2, { what: 'a monitor pass' });
  };

  const activeKinds = async () =>
    (await t.app.services.prisma.alert.findMany({ where: { accountId, activeKey: { not: null } }, orderBy: { kind: 'asc' } })).map((a) => a.kind);

  it('ERROR_RATE: half of at least 4 runs in the last hour failed or were partial; resolves as the hour slides past them', async () => {
    await seedRun(t, accountId, { status: 'SUCCESS', createdAt: minutesAgo(50) });
    await seedRun(t, accountId, { status: 'PARTIAL', createdAt: minutesAgo(40), error: '1 page(s) could not be read' });
    await seedRun(t, accountId, { status: 'SUCCESS', createdAt: minutesAgo(30) });
    // Three runs: below ALERT_ERROR_RATE_MIN_RUNS (4), nothing yet.
    await monitorPassDone();
    expect(await activeKinds()).toEqual([]);

    await seedRun(t, accountId, { status: 'FAILED', createdAt: minutesAgo(20), error: 'HTTP 500' });
    await waitFor(async () => (await activeKinds()).includes('ERROR_RATE'), { what: 'ERROR_RATE' });
    const alert = await t.app.services.prisma.alert.findFirstOrThrow({ where: { accountId, kind: 'ERROR_RATE' } });
    expect(alert).toMatchObject({ severity: 'WARNING', details: { runs: 4, failedOrPartial: 2, percent: 50, thresholdPercent: 50 } });
    expect(await activeKinds()).toEqual(['ERROR_RATE']);

    // 45 minutes later the first two runs have left the hour: 1 bad of 2 is under the minimum.
    offsetMs = 45 * 60_000;
    await waitFor(async () => (await activeKinds()).length === 0, { what: 'ERROR_RATE to resolve' });
    expect((await t.app.services.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).not.toBeNull();
  });

  it('STALE_DATA: raised when the last success gets older than STALE_AFTER_MINUTES, resolved by a newer success', async () => {
    // The last success (30 minutes ago) is 120 minutes old at +90 min: not yet stale (more than 120 is).
    offsetMs = 89 * 60_000;
    await monitorPassDone();
    expect(await activeKinds()).toEqual([]);
    offsetMs = 91 * 60_000;
    await waitFor(async () => (await activeKinds()).includes('STALE_DATA'), { what: 'STALE_DATA' });
    const stale = await t.app.services.prisma.alert.findFirstOrThrow({ where: { accountId, kind: 'STALE_DATA', activeKey: { not: null } } });
    expect(stale.severity).toBe('WARNING');
    expect(stale.message).toMatch(/OZON account "seeded" has not synced successfully since/);
    const health = dataOf(await t.gql(`{ syncHealth { status accounts { stale activeAlerts } } }`)).syncHealth;
    expect(health).toEqual({ status: 'DEGRADED', accounts: [{ stale: true, activeAlerts: ['STALE_DATA'] }] });

    await seedRun(t, accountId, { status: 'SUCCESS', createdAt: new Date(Date.now() + offsetMs - 1000) });
    await waitFor(async () => (await activeKinds()).length === 0, { what: 'STALE_DATA to resolve' });
  });

  it('several instances evaluating at once raise each alert once and publish it once', async () => {
    const bus = collect(t, ['alert.raised']);
    const other = (await seedAccount(t, 'racy', 'EMAG')).id;
    for (let i = 0; i < 3; i++) await seedRun(t, other, { status: 'FAILED', createdAt: minutesAgo(10 - i, Date.now() + offsetMs), error: 'authentication failed: 401' });
    const results = await Promise.all(Array.from({ length: 6 }, () => evaluateAlerts(t.app.services, { accountIds: [other] })));
    await waitFor(async () => (await t.app.services.prisma.alert.count({ where: { accountId: other } })) === 2, { what: 'the two alerts' });
    // Six direct evaluations plus the monitor's own: still one row and one event per alert.
    await monitorPassDone();
    const rows = await t.app.services.prisma.alert.findMany({ where: { accountId: other }, orderBy: { kind: 'asc' } });
    expect(rows.map((r) => r.kind)).toEqual(['REPEATED_FAILURES', 'AUTH_FAILURE']);
    expect(bus.events.filter((e) => e.payload.accountId === other).map((e) => e.payload.alertId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(results.flatMap((r) => r.raised).length).toBeLessThanOrEqual(2);
    bus.stop();

    // Disabling the account stops monitoring it: its alerts resolve.
    await t.app.services.prisma.marketplaceAccount.update({ where: { id: other }, data: { enabled: false } });
    await waitFor(async () => (await t.app.services.prisma.alert.count({ where: { accountId: other, activeKey: { not: null } } })) === 0, { what: 'resolution on disable' });
  });
});
