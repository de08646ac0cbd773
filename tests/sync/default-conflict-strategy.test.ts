/**
 * Issue 15 item 1: each channel declares the conflict strategy its accounts start with
 * (connectors/<vendor>/channel.ts), used wherever an account is created without one: createAccount,
 * accounts declared in the environment, and the sandbox's accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertDeclaredAccount } from '../../src/modules/accounts/account.service.js';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { ERRORS } from '../helpers/catalog.js';

const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id channel conflictStrategy } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { conflictStrategy } ${ERRORS} } }`;
const LIST = `{ accounts { edges { node { name channel fulfillment source conflictStrategy } } } }`;

const EXPECTED = { STOREFRONT: 'LOCAL_PRIORITY', EMAG: 'REMOTE_PRIORITY', OZON: 'NEWEST_WINS', WILDBERRIES: 'NEWEST_WINS' } as const;
type Channel = keyof typeof EXPECTED;

const sims = {} as Record<Channel, Simulator>;
let t: TestApp;

beforeAll(async () => {
  for (const channel of Object.keys(EXPECTED) as Channel[]) sims[channel] = await startSimulator(channel, { offers: 5, driftEveryMs: 0 });
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  for (const sim of Object.values(sims)) await sim.stop();
});

const input = (channel: Channel, name: string, extra: Record<string, unknown> = {}) => ({
  channel,
  name,
  baseUrl: sims[channel].url,
  credentials: sims[channel].credentials,
  ...(channel === 'EMAG' ? { fulfillment: 'MAIN' } : {}),
  ...extra,
});

describe('default conflict strategy per channel', () => {
  it("createAccount without conflictStrategy takes the channel's default; a given one is kept", async () => {
    for (const channel of Object.keys(EXPECTED) as Channel[]) {
      const r = dataOf(await t.gql(CREATE, { input: input(channel, `${channel} default`) })).createAccount;
      expect(r.errors, channel).toEqual([]);
      expect(r.account.conflictStrategy, channel).toBe(EXPECTED[channel]);
      const chosen = dataOf(await t.gql(CREATE, { input: input(channel, `${channel} manual`, { conflictStrategy: 'MANUAL' }) })).createAccount;
      expect(chosen.account.conflictStrategy, channel).toBe('MANUAL');
    }
  });

  it("an account declared in the environment starts with its channel's default; declared again, an admin's choice stays", async () => {
    const declared = { name: 'Declared storefront', channel: 'STOREFRONT' as const, baseUrl: sims.STOREFRONT.url, credentials: sims.STOREFRONT.credentials };
    const created = await upsertDeclaredAccount(t.app.services, declared, 'env');
    expect(created.conflictStrategy).toBe('LOCAL_PRIORITY');
    const changed = dataOf(await t.gql(UPDATE, { input: { id: created.id, conflictStrategy: 'NEWEST_WINS' } })).updateAccount;
    expect(changed).toEqual({ errors: [], account: { conflictStrategy: 'NEWEST_WINS' } });
    expect((await upsertDeclaredAccount(t.app.services, declared, 'env')).conflictStrategy).toBe('NEWEST_WINS');
  });

  it("the sandbox's accounts of every channel start with their channel's default", async () => {
    const sandbox = await startTestApp({ SANDBOX: 'true' });
    try {
      const nodes = dataOf(await sandbox.gql(LIST)).accounts.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(5);
      for (const node of nodes) expect(node, node.name).toMatchObject({ source: 'sandbox', conflictStrategy: EXPECTED[node.channel as Channel] });
    } finally {
      await sandbox.close();
    }
  });
});
