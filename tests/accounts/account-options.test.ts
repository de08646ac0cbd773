import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/modules/accounts/account-connector.js';
import { createAccount } from '../../src/modules/accounts/account.service.js';
import { startSimulator, type Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const FIELDS = `id channel name options rateLimits effectiveRateLimits { endpointClass limit periodMs overridden }`;
const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { ${FIELDS} } errors { code message field } } }`;
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { ${FIELDS} } errors { code message field } } }`;

let t: TestApp;
let storefront: Simulator;
let wb: Simulator;
const admin = { tokenId: 'test', name: 'test ADMIN', role: 'ADMIN' as const };

beforeAll(async () => {
  t = await startTestApp();
  storefront = await startSimulator('STOREFRONT', { offers: 5, seed: 7, driftEveryMs: 0 });
  wb = await startSimulator('WILDBERRIES', { offers: 3, seed: 7, driftEveryMs: 0 });
});
afterAll(async () => {
  await t?.close();
  await storefront?.stop();
  await wb?.stop();
});

const pagesOf = async (iterable: AsyncIterable<unknown>) => {
  let pages = 0;
  for await (const _page of iterable) pages++;
  return pages;
};

describe('account options', () => {
  it("passes an account's options to its connector", async () => {
    const account = await createAccount(t.app.services, admin, {
      channel: 'STOREFRONT',
      name: 'storefront with small pages',
      baseUrl: storefront.url,
      credentials: storefront.credentials,
      options: { pageSize: 2 },
    } as never);
    // 5 offers at 2 a page: 3 pages; without the option the connector reads them in one.
    expect(await pagesOf(connectorFor(t.app.services, account).listProducts({ mode: 'FULL' }))).toBe(3);
  });

  it('stores, returns and validates options per channel, refusing what the channel does not read', async () => {
    const created = dataOf(
      await t.gql(CREATE, {
        input: { channel: 'WILDBERRIES', name: 'WB hosts', baseUrl: wb.url, credentials: wb.credentials, options: { hosts: { content: `${wb.url}/` }, pageSize: 50 } },
      }),
    ).createAccount;
    expect(created.errors).toEqual([]);
    expect(created.account.options).toEqual({ hosts: { content: wb.url }, pageSize: 50 });

    const before = await t.app.services.prisma.marketplaceAccount.count();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ hosts: { content: 'ftp://x' } }, 'input.options.hosts.content', /hosts.content must be an http\(s\) URL/],
      [{ pageSize: 0 }, 'input.options.pageSize', /at least 1/],
      [{ currency: 'EUR' }, 'input.options', /currency/],
      [JSON.parse('{"__proto__": {"pageSize": 1}}'), 'input.options.__proto__', /not allowed/],
    ];
    for (const [options, field, message] of cases) {
      const r = dataOf(await t.gql(CREATE, { input: { channel: 'WILDBERRIES', name: `bad ${field}`, baseUrl: wb.url, credentials: wb.credentials, options } })).createAccount;
      expect(r.account, field).toBeNull();
      expect(r.errors, field).toMatchObject([{ code: 'VALIDATION' }]);
      expect(r.errors[0].field.join('.')).toBe(field);
      expect(r.errors[0].message).toMatch(message);
    }
    expect(await t.app.services.prisma.marketplaceAccount.count()).toBe(before);

    // Update merges: a given top-level option replaces that option, others stay; null removes one.
    const merged = dataOf(await t.gql(UPDATE, { input: { id: created.account.id, options: { pageSize: 10 } } })).updateAccount;
    expect(merged.errors).toEqual([]);
    expect(merged.account.options).toEqual({ hosts: { content: wb.url }, pageSize: 10 });
    const removed = dataOf(await t.gql(UPDATE, { input: { id: created.account.id, options: { hosts: null } } })).updateAccount;
    expect(removed.account.options).toEqual({ pageSize: 10 });
    const refused = dataOf(await t.gql(UPDATE, { input: { id: created.account.id, options: { pageSize: 'many' } } })).updateAccount;
    expect(refused.errors).toMatchObject([{ code: 'VALIDATION', field: ['input', 'options', 'pageSize'] }]);
    const stored = await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: created.account.id } });
    expect(stored.options).toEqual({ pageSize: 10 });
  });

  it('shows the effective rate limit of each endpoint class, and which ones an override sets', async () => {
    const r = dataOf(
      await t.gql(CREATE, {
        input: { channel: 'STOREFRONT', name: 'storefront limits', baseUrl: storefront.url, credentials: storefront.credentials, rateLimits: { default: { limit: 3, periodMs: 1000 } } },
      }),
    ).createAccount;
    expect(r.errors).toEqual([]);
    expect(r.account.effectiveRateLimits).toContainEqual({ endpointClass: 'default', limit: 3, periodMs: 1000, overridden: true });
  });

  it("serves each channel's credential and option fields, derived from its schemas", async () => {
    const viewer = await t.tokenFor('VIEWER');
    const q = `{ channels { channel description defaultBaseUrl credentialFields { name type required description } optionFields { name type required description } } }`;
    const list = dataOf(await t.gql(q, {}, viewer)).channels;
    expect(list.map((c: { channel: string }) => c.channel)).toEqual(['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT']);
    const wbChannel = list.find((c: { channel: string }) => c.channel === 'WILDBERRIES');
    expect(wbChannel.credentialFields).toEqual([{ name: 'token', type: 'STRING', required: true, description: expect.any(String) }]);
    expect(wbChannel.optionFields).toContainEqual({ name: 'hosts.content', type: 'URL', required: false, description: expect.stringMatching(/content/i) });
    const emag = list.find((c: { channel: string }) => c.channel === 'EMAG');
    expect(emag.optionFields).toContainEqual({ name: 'acknowledgeOrders', type: 'BOOLEAN', required: false, description: expect.any(String) });
    expect(emag.defaultBaseUrl).toMatch(/^https:\/\//);
  });
});
