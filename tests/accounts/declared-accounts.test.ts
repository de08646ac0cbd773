import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/env.js';
import { declaredAccounts, sandboxWanted } from '../../src/modules/accounts/declared-accounts.js';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp } from '../helpers/app.js';

let storefront: Simulator;
beforeAll(async () => {
  storefront = await startSimulator('STOREFRONT', { offers: 5, driftEveryMs: 0 });
});
afterAll(() => storefront?.stop());

const LIST = `{ accounts { totalCount edges { node { id name channel fulfillment source baseUrl hasCredentials } } } }`;

describe('declared accounts', () => {
  it('upserts the accounts the environment declares (source env), and no sandbox beside them', async () => {
    const env = { STOREFRONT_URL: storefront.url, STOREFRONT_TOKEN: storefront.credentials.token!, SANDBOX: 'true' };
    const t = await startTestApp(env);
    try {
      const list = dataOf(await t.gql(LIST)).accounts;
      expect(list.edges.map((e: any) => e.node)).toEqual([
        { id: expect.any(String), name: 'Storefront', channel: 'STOREFRONT', fulfillment: null, source: 'env', baseUrl: storefront.url, hasCredentials: true },
      ]);
      const tested = dataOf(await t.gql(`mutation($id: ID!) { testAccountConnection(input: { id: $id }) { ok } }`, { id: list.edges[0].node.id }));
      expect(tested.testAccountConnection.ok).toBe(true);
      expect(t.logs.join('\n')).not.toContain(storefront.credentials.token);
    } finally {
      await t.close();
    }
  });

  it('starts the sandbox when nothing is declared and SANDBOX is on, and stops it with the app', async () => {
    const t = await startTestApp({ SANDBOX: 'true' });
    let urls: string[] = [];
    try {
      const list = dataOf(await t.gql(LIST)).accounts;
      expect(list.totalCount).toBe(5);
      expect(list.edges.map((e: any) => [e.node.channel, e.node.fulfillment, e.node.source]).sort((a: string[], b: string[]) => a.join().localeCompare(b.join()))).toEqual([
        ['EMAG', 'FBE', 'sandbox'],
        ['EMAG', 'MAIN', 'sandbox'],
        ['OZON', null, 'sandbox'],
        ['STOREFRONT', null, 'sandbox'],
        ['WILDBERRIES', null, 'sandbox'],
      ]);
      urls = list.edges.map((e: any) => e.node.baseUrl);
      for (const edge of list.edges) {
        const r = dataOf(await t.gql(`mutation($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message } }`, { id: edge.node.id }));
        expect(r.testAccountConnection, edge.node.name).toEqual({ ok: true, kind: null, message: null });
      }
    } finally {
      await t.close();
    }
    for (const url of urls) await expect(fetch(url)).rejects.toThrow();
  });

  it('an api instance never starts the sandbox, even when SANDBOX is on: it does not sync, so it registers no simulator accounts', async () => {
    const t = await startTestApp({ SANDBOX: 'true', ROLE: 'api' });
    try {
      expect(dataOf(await t.gql(LIST)).accounts.totalCount).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('the sandbox is on by default only for an embedded database outside tests', () => {
    const sandboxOf = (vars: Record<string, string>) => sandboxWanted(parseEnv(vars));
    expect(sandboxOf({ NODE_ENV: 'development' })).toBe(true);
    expect(sandboxOf({ NODE_ENV: 'development', DATABASE_URL: 'postgres://db/stockline' })).toBe(false);
    expect(sandboxOf({ NODE_ENV: 'development', DATABASE_URL: 'postgres://db/stockline', SANDBOX: 'true' })).toBe(true);
    expect(sandboxOf({ NODE_ENV: 'test' })).toBe(false);
    expect(sandboxOf({ NODE_ENV: 'development', ROLE: 'api' })).toBe(false);
  });

  it('names what is missing from a partly declared account', () => {
    expect(() => declaredAccounts(parseEnv({ EMAG_MAIN_USERNAME: 'u' }))).toThrow(ConfigError);
    expect(() => declaredAccounts(parseEnv({ EMAG_MAIN_USERNAME: 'u' }))).toThrow(/EMAG_MAIN_PASSWORD: required with EMAG_MAIN_USERNAME/);
    expect(() => parseEnv({ OZON_CLIENT_ID: 'abc' })).toThrow(/OZON_CLIENT_ID: must be digits/);
    expect(declaredAccounts(parseEnv({ OZON_CLIENT_ID: '123', OZON_API_KEY: 'k' }))).toMatchObject([{ name: 'Ozon', channel: 'OZON' }]);
  });
});
