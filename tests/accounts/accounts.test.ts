import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, parseEnv } from '../../src/env.js';
import { createCredentialsCipher, KEY_MISMATCH_MESSAGE, loadCredentialsKey } from '../../src/modules/accounts/credentials.crypto.js';
import { startSimulator, type SimChannel, type Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const ACCOUNT_FIELDS = `id channel name fulfillment baseUrl rateLimits conflictStrategy enabled source hasCredentials createdAt updatedAt lastTestedAt lastTestOk`;
const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { ${ACCOUNT_FIELDS} } errors { code message field } } }`;
const UPDATE = `mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { ${ACCOUNT_FIELDS} } errors { code message field } } }`;
const TEST = `mutation($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message account { ${ACCOUNT_FIELDS} } errors { code message field } } }`;

let t: TestApp;
let viewer: string;
let operator: string;
const sims = {} as Record<SimChannel, Simulator>;
const created = {} as Record<SimChannel, { id: string }>;

beforeAll(async () => {
  t = await startTestApp();
  viewer = await t.tokenFor('VIEWER');
  operator = await t.tokenFor('OPERATOR');
  for (const channel of ['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT'] as const) {
    sims[channel] = await startSimulator(channel, { offers: 5, seed: 7, driftEveryMs: 0 });
  }
});
afterAll(async () => {
  await t?.close();
  await Promise.all(Object.values(sims).map((s) => s.stop()));
});

const input = (channel: SimChannel, overrides: Record<string, unknown> = {}) => ({
  channel,
  name: `${channel} account`,
  baseUrl: sims[channel].url,
  credentials: sims[channel].credentials,
  ...(channel === 'EMAG' ? { fulfillment: 'MAIN' } : {}),
  ...overrides,
});

/** Every secret the simulators accept, as it would appear anywhere. */
const secrets = () => Object.values(sims).flatMap((s) => Object.entries(s.credentials).filter(([k]) => k !== 'clientId' && k !== 'username').map(([, v]) => v));

describe('marketplace accounts', () => {
  it('creates an account per channel and connects to its marketplace', async () => {
    for (const channel of ['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT'] as const) {
      const r = dataOf(await t.gql(CREATE, { input: input(channel, { rateLimits: channel === 'OZON' ? { default: { limit: 10, periodMs: 1000 } } : null }) })).createAccount;
      expect(r.errors, channel).toEqual([]);
      expect(r.account).toMatchObject({
        channel,
        name: `${channel} account`,
        fulfillment: channel === 'EMAG' ? 'MAIN' : null,
        baseUrl: sims[channel].url,
        // The channel's default (tests/sync/default-conflict-strategy.test.ts).
        conflictStrategy: { EMAG: 'REMOTE_PRIORITY', OZON: 'NEWEST_WINS', WILDBERRIES: 'NEWEST_WINS', STOREFRONT: 'LOCAL_PRIORITY' }[channel],
        enabled: true,
        source: 'api',
        hasCredentials: true,
        lastTestedAt: null,
        lastTestOk: null,
      });
      created[channel] = r.account;
      const tested = dataOf(await t.gql(TEST, { id: r.account.id }, operator)).testAccountConnection;
      expect(tested, channel).toMatchObject({ ok: true, kind: null, message: null, errors: [], account: { lastTestOk: true } });
      expect(tested.account.lastTestedAt).not.toBeNull();
    }
    const list = dataOf(await t.gql(`{ accounts(filter: { channel: OZON }) { totalCount edges { node { name rateLimits } } } }`, {}, viewer)).accounts;
    expect(list).toEqual({ totalCount: 1, edges: [{ node: { name: 'OZON account', rateLimits: { default: { limit: 10, periodMs: 1000 } } } }] });
    const one = dataOf(await t.gql(`query($id: ID!) { account(id: $id) { name } }`, { id: created.EMAG.id }, viewer)).account;
    expect(one).toEqual({ name: 'EMAG account' });
  });

  it('reports refused credentials as ok false, kind AUTH, and records it', async () => {
    const r = dataOf(await t.gql(CREATE, { input: input('EMAG', { name: 'wrong password', credentials: { ...sims.EMAG.credentials, password: 'not-the-password' } }) })).createAccount;
    expect(r.errors).toEqual([]);
    const tested = dataOf(await t.gql(TEST, { id: r.account.id }, operator)).testAccountConnection;
    expect(tested).toMatchObject({ ok: false, kind: 'AUTH', errors: [], account: { lastTestOk: false } });
    expect(tested.message).toBeTruthy();
    expect(JSON.stringify(tested)).not.toContain('not-the-password');

    const wb = dataOf(await t.gql(CREATE, { input: input('WILDBERRIES', { name: 'wrong token', credentials: { token: 'eyJ.bad.token' } }) })).createAccount;
    expect(dataOf(await t.gql(TEST, { id: wb.account.id }, operator)).testAccountConnection).toMatchObject({ ok: false, kind: 'AUTH' });
  });

  it('lists the checks a connection test made, and names the failed one in its message', async () => {
    const q = `mutation($id: ID!) { testAccountConnection(input: { id: $id }) { ok kind message checks { name ok kind message } } }`;
    const good = dataOf(await t.gql(q, { id: created.STOREFRONT.id }, operator)).testAccountConnection;
    expect(good).toMatchObject({ ok: true, checks: [{ name: expect.stringContaining(new URL(sims.STOREFRONT.url).host), ok: true, kind: null, message: null }] });
    const r = dataOf(await t.gql(CREATE, { input: input('STOREFRONT', { name: 'wrong storefront token', credentials: { token: 'not-the-token' } }) })).createAccount;
    const bad = dataOf(await t.gql(q, { id: r.account.id }, operator)).testAccountConnection;
    expect(bad).toMatchObject({ ok: false, kind: 'AUTH', checks: [{ ok: false, kind: 'AUTH', message: expect.any(String) }] });
    expect(bad.message).toContain(bad.checks[0].name);
  });

  it('replaces credentials only when given', async () => {
    const id = created.STOREFRONT.id;
    const renamed = dataOf(await t.gql(UPDATE, { input: { id, name: 'Storefront renamed', conflictStrategy: 'MANUAL' } })).updateAccount;
    expect(renamed.errors).toEqual([]);
    expect(renamed.account).toMatchObject({ name: 'Storefront renamed', conflictStrategy: 'MANUAL', hasCredentials: true });
    const row = await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id } });
    expect(t.app.services.cipher.decrypt(row.credentialsEncrypted)).toEqual(sims.STOREFRONT.credentials);

    const broken = dataOf(await t.gql(UPDATE, { input: { id, credentials: { token: 'sf_wrong_token' } } })).updateAccount;
    expect(broken.errors).toEqual([]);
    expect(dataOf(await t.gql(TEST, { id }, operator)).testAccountConnection).toMatchObject({ ok: false, kind: 'AUTH' });
    await t.gql(UPDATE, { input: { id, credentials: sims.STOREFRONT.credentials } });
    expect(dataOf(await t.gql(TEST, { id }, operator)).testAccountConnection).toMatchObject({ ok: true });

    const wrongShape = dataOf(await t.gql(UPDATE, { input: { id, credentials: { username: 'u', password: 'p' }, fulfillment: 'FBE' } })).updateAccount;
    expect(wrongShape.account).toBeNull();
    expect(wrongShape.errors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(
      ['input.credentials', 'input.credentials.token', 'input.fulfillment'].sort(),
    );
  });

  it('encrypts credentials at rest and never returns or logs them', async () => {
    const rows = await t.app.services.prisma.marketplaceAccount.findMany();
    const emag = rows.find((r) => r.id === created.EMAG.id)!;
    expect(emag.credentialsEncrypted).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(emag.credentialsEncrypted).not.toContain(sims.EMAG.credentials.password);
    expect(t.app.services.cipher.decrypt(emag.credentialsEncrypted)).toEqual(sims.EMAG.credentials);
    for (const row of rows) for (const secret of secrets()) expect(row.credentialsEncrypted).not.toContain(secret);

    const everything = await t.gql(`{ accounts(first: 100) { edges { node { ${ACCOUNT_FIELDS} } } } }`, {}, viewer);
    expect(dataOf(everything).accounts.edges.length).toBe(rows.length);
    const json = JSON.stringify(everything);
    const logs = t.logs.join('\n');
    for (const secret of [...secrets(), 'not-the-password', 'eyJ.bad.token', 'sf_wrong_token']) {
      expect(json).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('lets only an ADMIN create or update accounts, and an OPERATOR test them', async () => {
    const before = await t.app.services.prisma.marketplaceAccount.count();
    const r = await t.gql(CREATE, { input: input('OZON', { name: 'by viewer' }) }, viewer);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const o = await t.gql(CREATE, { input: input('OZON', { name: 'by operator' }) }, operator);
    expect(o.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const u = await t.gql(UPDATE, { input: { id: created.OZON.id, enabled: false } }, operator);
    expect(u.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const v = await t.gql(TEST, { id: created.OZON.id }, viewer);
    expect(v.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.app.services.prisma.marketplaceAccount.count()).toBe(before);
    expect(await t.app.services.prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: created.OZON.id } })).toMatchObject({ enabled: true });
  });

  it('refuses invalid input with typed errors and creates nothing', async () => {
    const before = await t.app.services.prisma.marketplaceAccount.count();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [input('EMAG', { name: 'no fulfillment', fulfillment: null }), 'input.fulfillment', /required for an eMAG account/],
      [input('OZON', { name: 'with fulfillment', fulfillment: 'FBE' }), 'input.fulfillment', /only to eMAG/],
      [input('STOREFRONT', { name: 'bad url', baseUrl: 'ftp://example.com' }), 'input.baseUrl', /http\(s\) URL/],
      [input('STOREFRONT', { name: 'no url', baseUrl: 'not a url' }), 'input.baseUrl', /http\(s\) URL/],
      [input('OZON', { name: 'bad client id', credentials: { clientId: 'abc', apiKey: 'k' } }), 'input.credentials.clientId', /digits/],
      [input('EMAG', { name: 'no password', credentials: { username: 'u' } }), 'input.credentials.password', /password/],
      [input('OZON', { name: 'bad limits', rateLimits: { default: { limit: -1, periodMs: 1000 } } }), 'input.rateLimits.default.limit', /positive/],
      [input('OZON', { name: 'EMAG account' }), 'input.name', /already exists/],
    ];
    for (const [given, field, message] of cases) {
      const r = dataOf(await t.gql(CREATE, { input: given })).createAccount;
      expect(r.account, field).toBeNull();
      expect(r.errors.length, JSON.stringify(r.errors)).toBe(1);
      expect(r.errors[0].code).toBe(field === 'input.name' ? 'DUPLICATE_NAME' : 'VALIDATION');
      expect(r.errors[0].field.join('.')).toBe(field);
      expect(r.errors[0].message).toMatch(message);
    }
    const missing = dataOf(await t.gql(TEST, { id: '00000000-0000-4000-8000-000000000000' }, operator)).testAccountConnection;
    expect(missing).toMatchObject({ ok: null, account: null, errors: [{ code: 'NOT_FOUND' }] });
    expect(await t.app.services.prisma.marketplaceAccount.count()).toBe(before);
  });

  it('says clearly when CREDENTIALS_KEY differs from the one the credentials were encrypted with', async () => {
    const other = await buildApp(parseEnv({ NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', CREDENTIALS_KEY: 'ab'.repeat(32) }), {
      database: t.app.db,
    });
    try {
      const res = await other.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        body: JSON.stringify({ query: TEST, variables: { id: created.EMAG.id } }),
      });
      const r = ((await res.json()) as any).data.testAccountConnection;
      expect(r.ok).toBeNull();
      expect(r.errors).toEqual([{ code: 'CREDENTIALS_UNREADABLE', message: `Account "EMAG account": ${KEY_MISMATCH_MESSAGE}`, field: ['input', 'id'] }]);
    } finally {
      await other.stop();
    }
    expect(() => createCredentialsCipher(Buffer.alloc(32, 1)).decrypt(createCredentialsCipher(Buffer.alloc(32, 2)).encrypt({ a: 'b' }))).toThrow(KEY_MISMATCH_MESSAGE);
  });

  it('refuses a malformed CREDENTIALS_KEY at start, and keeps a generated key in DATA_DIR', async () => {
    for (const key of ['short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64')]) {
      expect(() => parseEnv({ CREDENTIALS_KEY: key })).toThrow(ConfigError);
      expect(() => parseEnv({ CREDENTIALS_KEY: key })).toThrow(/CREDENTIALS_KEY: must be 32 bytes/);
    }
    expect(parseEnv({ CREDENTIALS_KEY: Buffer.alloc(32, 3).toString('base64') }).CREDENTIALS_KEY).toBeTruthy();
    const dir = await mkdtemp(join(tmpdir(), 'stockline-key-'));
    try {
      const env = { DATA_DIR: dir, NODE_ENV: 'development' };
      const first = await loadCredentialsKey(env);
      expect(first.length).toBe(32);
      expect((await stat(join(dir, 'credentials.key'))).mode & 0o777).toBe(0o600);
      expect((await loadCredentialsKey(env)).equals(first)).toBe(true);
      await expect(loadCredentialsKey({ ...env, NODE_ENV: 'production' })).rejects.toThrow(/CREDENTIALS_KEY: required when NODE_ENV=production/);
      await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'credentials.key'), 'garbage'));
      await expect(loadCredentialsKey(env)).rejects.toThrow(ConfigError);
      expect(await readFile(join(dir, 'credentials.key'), 'utf8')).toBe('garbage');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
