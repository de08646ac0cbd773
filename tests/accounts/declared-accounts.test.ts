import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/env.js';
import { declaredAccounts, sandboxWanted } from '../../src/modules/accounts/declared-accounts.js';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';
import { createSharedDatabase, dataOf, startTestApp } from '../helpers/app.js';

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

describe('declared account options', () => {
  it('sets the options the environment gives, nested as the channel names them', () => {
    const env = parseEnv({
      WB_TOKEN: 't',
      WB_URL: 'https://wb.example',
      WB_CONTENT_URL: 'https://content.example',
      WB_STATISTICS_URL: 'https://statistics.example',
      EMAG_MAIN_USERNAME: 'u',
      EMAG_MAIN_PASSWORD: 'p',
      EMAG_MAIN_TIME_ZONE: 'Europe/Sofia',
      EMAG_MAIN_ACK_ORDERS: 'true',
      OZON_CLIENT_ID: '1',
      OZON_API_KEY: 'k',
      OZON_WAREHOUSE_ID: '22',
    });
    const byName = Object.fromEntries(declaredAccounts(env).map((a) => [a.name, a.options]));
    expect(byName).toEqual({
      'eMAG MAIN': { timeZone: 'Europe/Sofia', acknowledgeOrders: true },
      Ozon: { defaultWarehouseId: '22' },
      Wildberries: { hosts: { content: 'https://content.example', statistics: 'https://statistics.example' } },
    });
  });

  it('refuses a bad option naming its variable, and an option without its account', () => {
    expect(() => parseEnv({ WB_CONTENT_URL: 'content' })).toThrow(/WB_CONTENT_URL: must be an http\(s\) URL/);
    expect(() => parseEnv({ EMAG_MAIN_ACK_ORDERS: 'sometimes' })).toThrow(/EMAG_MAIN_ACK_ORDERS/);
    expect(() => declaredAccounts(parseEnv({ EMAG_MAIN_USERNAME: 'u', EMAG_MAIN_PASSWORD: 'p', EMAG_MAIN_TIME_ZONE: 'Mars/Olympus' }))).toThrow(
      /EMAG_MAIN_TIME_ZONE: timeZone must be an IANA zone/,
    );
    expect(() => declaredAccounts(parseEnv({ OZON_WAREHOUSE_ID: '22' }))).toThrow(/OZON_CLIENT_ID, OZON_API_KEY: required with OZON_WAREHOUSE_ID/);
  });

  it('stores declared options, keeping options an admin set that the environment does not give', async () => {
    const env = { STOREFRONT_URL: storefront.url, STOREFRONT_TOKEN: storefront.credentials.token!, STOREFRONT_CURRENCY: 'EUR' };
    const shared = await createSharedDatabase('declared-options');
    try {
      let t = await startTestApp({ ...env, ...shared.env });
      const id = dataOf(await t.gql(`{ accounts { edges { node { id options } } } }`)).accounts.edges[0].node;
      expect(id.options).toEqual({ currency: 'EUR' });
      const updated = dataOf(await t.gql(`mutation($id: ID!) { updateAccount(input: { id: $id, options: { pageSize: 7, currency: "USD" } }) { errors { message } } }`, { id: id.id }));
      expect(updated.updateAccount.errors).toEqual([]);
      await t.close();
      t = await startTestApp({ ...env, ...shared.env });
      const again = await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: id.id } });
      expect(again.options).toEqual({ currency: 'EUR', pageSize: 7 });
      await t.close();
    } finally {
      await shared.drop();
    }
  });
});
