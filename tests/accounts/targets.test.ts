/**
 * Account base URLs go through the outbound target policy webhooks use: with
 * ACCOUNT_ALLOW_PRIVATE_TARGETS=false, private, loopback, link-local and CGNAT targets are refused
 * when saved (typed TARGET_REFUSED, nothing stored) and again when connected to; redirects are
 * never followed; a connection test echoes at most a short, sanitised excerpt of what the remote
 * said; rateLimits JSON with prototype keys is refused. One app, built with the allowance off;
 * the last tests allow exactly the test server's origin, the way the sandbox allows its simulators.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/env.js';
import { syncDeclaredAccounts } from '../../src/modules/accounts/declared-accounts.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const ERRORS = 'errors { code message field }';
const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id baseUrl rateLimits } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { id baseUrl } ${ERRORS} } }`;
const TEST = `mutation($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message ${ERRORS} } }`;

/** The account's marketplace as an attacker would set it up: it redirects, or answers a long, hostile body. */
let server: Server;
let serverUrl: string;
const hits: string[] = [];
const LONG_BODY = `<html>\u001b[31mred\u0000\u0007${'x'.repeat(10_000)}\u202e</html>`;

let strict: TestApp;
let operator: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/redirect/')) res.writeHead(302, { location: `${serverUrl}/landed` }).end();
    else if (req.url?.startsWith('/long/')) res.writeHead(400, { 'content-type': 'text/html' }).end(LONG_BODY);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"meta":{"total":0}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  strict = await startTestApp({ ACCOUNT_ALLOW_PRIVATE_TARGETS: 'false' });
  operator = await strict.tokenFor('OPERATOR');
});
afterAll(async () => {
  await strict?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

let names = 0;
const storefront = (baseUrl: string, extra: Record<string, unknown> = {}) => ({ channel: 'STOREFRONT', name: `storefront ${++names}`, baseUrl, credentials: { token: 'a-storefront-token' }, ...extra });

describe('account base URLs and the target policy', () => {
  it.each([
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
    ['loopback Redis', 'http://127.0.0.1:6379'],
    ['private 10/8', 'http://10.1.2.3'],
    ['carrier-grade NAT', 'http://100.64.0.1'],
    ['loopback IPv6', 'http://[::1]:8080'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]'],
    ['a hostname resolving to loopback', 'http://localhost:8080'],
  ])('createAccount refuses %s', async (_what, baseUrl) => {
    const r = dataOf(await strict.gql(CREATE, { input: storefront(baseUrl) })).createAccount;
    expect(r.account).toBeNull();
    expect(r.errors).toEqual([expect.objectContaining({ code: 'TARGET_REFUSED', field: ['input', 'baseUrl'] })]);
    expect(await strict.app.services.prisma.marketplaceAccount.count()).toBe(0);
  });

  it('names the range, and updateAccount refuses a private base URL leaving the row as it was', async () => {
    const named = dataOf(await strict.gql(CREATE, { input: storefront('http://localhost:6379') })).createAccount;
    expect(named.errors[0].message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is in a loopback range/);

    const ok = dataOf(await strict.gql(CREATE, { input: storefront('http://93.184.215.14/api', { enabled: false }) })).createAccount;
    expect(ok.errors).toEqual([]);
    const refused = dataOf(await strict.gql(UPDATE, { input: { id: ok.account.id, baseUrl: 'http://169.254.169.254' } })).updateAccount;
    expect(refused.account).toBeNull();
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'TARGET_REFUSED', field: ['input', 'baseUrl'] })]);
    const row = await strict.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: ok.account.id } });
    expect(row.baseUrl).toBe('http://93.184.215.14/api');
    await strict.app.services.prisma.marketplaceAccount.deleteMany();
  });

  it('checks again at connect: a stored account on a private address is not contacted', async () => {
    // As if DNS had changed after the save, or the row predates the policy.
    const port = new URL(serverUrl).port;
    for (const baseUrl of [`${serverUrl}/literal`, `http://localhost:${port}/named`]) {
      const account = await strict.app.services.prisma.marketplaceAccount.create({
        data: { channel: 'STOREFRONT', name: `stored ${++names}`, baseUrl, credentialsEncrypted: strict.app.services.cipher.encrypt({ token: 'a-storefront-token' }) },
      });
      const tested = dataOf(await strict.gql(TEST, { id: account.id }, operator)).testAccountConnection;
      expect(tested).toMatchObject({ ok: false, kind: 'NETWORK', errors: [] });
      expect(tested.message).toMatch(/target refused: .*loopback range/);
    }
    expect(hits.filter((h) => h.startsWith('/literal') || h.startsWith('/named'))).toEqual([]);
    await strict.app.services.prisma.marketplaceAccount.deleteMany();
  });

  it('refuses an environment-declared account on a private address at start, naming it', async () => {
    const env = parseEnv({ NODE_ENV: 'test', STOREFRONT_URL: 'http://169.254.169.254/latest', STOREFRONT_TOKEN: 'a-storefront-token' });
    const start = syncDeclaredAccounts(strict.app.services, env);
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/Storefront: baseUrl refused: 169\.254\.169\.254 is in a link-local range/);
    expect(await strict.app.services.prisma.marketplaceAccount.count()).toBe(0);
  });

  it('the sandbox reaches exactly its own simulators, and nothing else private', async () => {
    const policy = strict.app.services.accountTargets;
    const handle = await syncDeclaredAccounts(strict.app.services, parseEnv({ NODE_ENV: 'development', SANDBOX: 'true', ACCOUNT_ALLOW_PRIVATE_TARGETS: 'false' }));
    try {
      const accounts = await strict.app.services.prisma.marketplaceAccount.findMany({ where: { source: 'sandbox' } });
      expect(accounts).toHaveLength(5);
      const tested = dataOf(await strict.gql(TEST, { id: accounts.find((a) => a.channel === 'STOREFRONT')!.id })).testAccountConnection;
      expect(tested).toMatchObject({ ok: true, errors: [] });
      const other = dataOf(await strict.gql(CREATE, { input: storefront(serverUrl) })).createAccount;
      expect(other.errors).toEqual([expect.objectContaining({ code: 'TARGET_REFUSED' })]);
    } finally {
      await handle.stop();
      strict.app.services.accountTargets = policy;
      await strict.app.services.prisma.marketplaceAccount.deleteMany();
    }
  });

});

describe("with the test server's origin allowed, as the sandbox's simulators are", () => {
  beforeAll(() => {
    strict.app.services.accountTargets = { allowPrivate: false, allowedOrigins: [serverUrl] };
  });
  afterAll(() => {
    strict.app.services.accountTargets = { allowPrivate: false };
  });

  it('refuses a redirect at connect and never follows it', async () => {
    const r = dataOf(await strict.gql(CREATE, { input: storefront(`${serverUrl}/redirect`) })).createAccount;
    expect(r.errors).toEqual([]);
    const tested = dataOf(await strict.gql(TEST, { id: r.account.id }, operator)).testAccountConnection;
    expect(tested).toMatchObject({ ok: false, kind: 'REMOTE', errors: [] });
    expect(tested.message).toMatch(/redirect \(HTTP 302\) not followed/);
    expect(hits).not.toContain('/landed');
  });

  it('echoes at most a short, sanitised excerpt of a long answer', async () => {
    const r = dataOf(await strict.gql(CREATE, { input: storefront(`${serverUrl}/long`) })).createAccount;
    const tested = dataOf(await strict.gql(TEST, { id: r.account.id }, operator)).testAccountConnection;
    expect(tested).toMatchObject({ ok: false, errors: [] });
    expect(tested.message).toContain('HTTP 400');
    expect(tested.message).toContain('red');
    // eslint-disable-next-line no-control-regex
    expect(tested.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(tested.message.match(/x+/)[0].length).toBeLessThanOrEqual(200);
    expect(tested.message.length).toBeLessThanOrEqual(300);
  });

  it.each([['__proto__'], ['constructor'], ['prototype']])('refuses rateLimits with a %s key, storing nothing', async (key) => {
    const before = await strict.app.services.prisma.marketplaceAccount.count();
    // JSON.parse makes an own "__proto__" key, as a request body does.
    const rateLimits = JSON.parse(`{ "${key}": { "limit": 1, "periodMs": 1000 } }`);
    const created = dataOf(await strict.gql(CREATE, { input: storefront(serverUrl, { rateLimits }) })).createAccount;
    expect(created.account).toBeNull();
    expect(created.errors).toEqual([expect.objectContaining({ code: 'VALIDATION' })]);
    expect(created.errors[0].message).toContain(key);

    const inline = dataOf(
      await strict.gql(`mutation { createAccount(input: { channel: STOREFRONT, name: "inline ${key}", baseUrl: "${serverUrl}", credentials: { token: "t0ken" }, rateLimits: { ${key}: { limit: 1, periodMs: 1000 } } }) { account { id } ${ERRORS} } }`),
    ).createAccount;
    expect(inline.account).toBeNull();
    expect(inline.errors).toEqual([expect.objectContaining({ code: 'VALIDATION' })]);

    const existing = dataOf(await strict.gql(CREATE, { input: storefront(serverUrl) })).createAccount.account;
    const updated = dataOf(await strict.gql(UPDATE, { input: { id: existing.id, rateLimits } })).updateAccount;
    expect(updated.errors).toEqual([expect.objectContaining({ code: 'VALIDATION' })]);
    const row = await strict.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: existing.id } });
    expect(row.rateLimits).toBeNull();
    expect(await strict.app.services.prisma.marketplaceAccount.count()).toBe(before + 1);
    expect(({} as Record<string, unknown>).limit).toBeUndefined();
  });
});
