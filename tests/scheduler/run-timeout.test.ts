/**
 * Per-account sync timeout and retries (the eMAG scheduler's "timeout" and "retry count"): an
 * attempt of a run that outlives its account's syncTimeoutSeconds is stopped (its marketplace call
 * aborted), logged, and resumed from its last committed page up to syncRetries times; then the run
 * ends FAILED saying so. A storefront simulator answering every request after 3 s plays the hung
 * marketplace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, waitFor } from '../helpers/catalog.js';
import { trigger, waitForRun } from '../helpers/sync.js';

const ACCOUNT = 'id syncTimeoutSeconds syncRetries';
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { ${ACCOUNT} } ${ERRORS} } }`;
const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { ${ACCOUNT} } ${ERRORS} } }`;

let t: TestApp;
let sim: Simulator;
let accountId: string;

beforeAll(async () => {
  sim = await startFastSimulator('STOREFRONT', { offers: 30, seed: 23, faults: { latencyMs: 3000 } });
  t = await startTestApp();
  accountId = await createSimAccount(t, sim, 'slow storefront');
});

afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

const logsOf = (runId: string) => t.app.services.prisma.syncLog.findMany({ where: { runId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

describe('sync timeout and retries per account', () => {
  it('default to 3 hours and 2 retries, are set through createAccount and updateAccount, and bad values are refused with nothing changed', async () => {
    const account = await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account).toMatchObject({ syncTimeoutSeconds: 10_800, syncRetries: 2 });

    for (const [input, field, message] of [
      [{ syncTimeoutSeconds: 0 }, 'syncTimeoutSeconds', /at least 1/],
      [{ syncTimeoutSeconds: 86_401 }, 'syncTimeoutSeconds', /at most 86400/],
      [{ syncRetries: -1 }, 'syncRetries', /at least 0/],
      [{ syncRetries: 11 }, 'syncRetries', /at most 10/],
    ] as const) {
      const r = dataOf(await t.gql(UPDATE, { input: { id: accountId, ...input } })).updateAccount;
      expect(r).toMatchObject({ account: null, errors: [{ code: 'VALIDATION', field: ['input', field] }] });
      expect(r.errors[0].message).toMatch(message);
    }
    expect(await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: accountId } })).toEqual(account);

    const created = dataOf(
      await t.gql(CREATE, { input: { channel: 'STOREFRONT', name: 'patient', baseUrl: sim.url, credentials: sim.credentials, syncTimeoutSeconds: 600, syncRetries: 0, enabled: false } }),
    ).createAccount;
    expect(created).toMatchObject({ errors: [], account: { syncTimeoutSeconds: 600, syncRetries: 0 } });

    const updated = dataOf(await t.gql(UPDATE, { input: { id: accountId, syncTimeoutSeconds: 1, syncRetries: 2 } })).updateAccount;
    expect(updated).toMatchObject({ errors: [], account: { syncTimeoutSeconds: 1, syncRetries: 2 } });
  });

  it('an attempt past the timeout is stopped and logged, retried N times from its last page, then the run is FAILED saying why', async () => {
    const started = Date.now();
    const { runs } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
    const run = await waitForRun(t, runs[0].id, 30_000);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('timed out after 1 s on each of 3 attempts');
    // Three attempts of 1 s each, not three times the 3 s answer.
    expect(Date.now() - started).toBeLessThan(9000);
    expect(await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id }, select: { retries: true } })).toEqual({ retries: 2 });

    const lines = (await logsOf(run.id)).map((l) => [l.level, l.message]);
    expect(lines.filter(([, m]) => /^timed out/.test(m!))).toEqual([
      ['WARN', 'timed out after 1 s (attempt 1 of 3) at page 0; marked INTERRUPTED to retry from there'],
      ['WARN', 'timed out after 1 s (attempt 2 of 3) at page 0; marked INTERRUPTED to retry from there'],
      ['ERROR', 'timed out after 1 s (attempt 3 of 3) at page 0; no retries left'],
    ]);
    expect(lines.at(-1)![1]).toMatch(/^sync FAILED \(timed out after 1 s on each of 3 attempts\)/);
  });

  it('a retry that gets through resumes and ends SUCCESS; its retries are counted', async () => {
    await t.gql(UPDATE, { input: { id: accountId, syncTimeoutSeconds: 2, syncRetries: 1 } });
    // The marketplace hangs on the first request only: the first attempt times out, the retry gets through.
    // (Switching the latency off after the first timeout raced the retry's own first request.)
    sim.setFaults({ latencyMs: 3000, latencyRequests: 1 });
    const { runs } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
    const run = await waitForRun(t, runs[0].id, 30_000);
    expect(run).toMatchObject({ status: 'SUCCESS', created: 30 });
    expect(await t.app.services.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id }, select: { retries: true } })).toEqual({ retries: 1 });
  });
});
