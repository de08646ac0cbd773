/**
 * Secrets never reach the logs (issue 12, finding 5): mutations whose variables carry credentials,
 * webhook secrets or tokens and fail coercion elsewhere in the input are answered BAD_USER_INPUT,
 * and neither the log (at trace level, so nothing is filtered out) nor the echoed message carries
 * the secret. Values are redacted by their input type (see src/graphql/secret-redaction.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { schema } from '../../src/graphql/schema.js';
import { redactor, requestSecrets } from '../../src/graphql/secret-redaction.js';
import { MAX_LOGGED_OBJECT, createLogger } from '../../src/logger.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ LOG_LEVEL: 'trace', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
});
afterAll(async () => {
  await t?.close();
});

const CREATE_ACCOUNT = 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } errors { code } } }';
const UPDATE_ACCOUNT = 'mutation($input: UpdateAccountInput!) { updateAccount(input: $input) { account { id } errors { code } } }';
const CREATE_WEBHOOK = 'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret errors { code } } }';
const ROTATE = 'mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret errors { code } } }';
const account = { channel: 'EMAG', name: 'redaction', fulfillment: 'FBE', baseUrl: 'http://127.0.0.1:9' };
/** Each secret is unique, so a hit in the log names the case that leaked it. */
const secret = (name: string) => `S3CRET-${name}-${'x'.repeat(24)}`;
/** Logged strings are capped; a log line stays far below the 300 KB value echoed below. */
const MAX_LINE = 20_000;

function logText() {
  return t.logs.join('');
}

function expectBadInput(result: { errors?: { message: string; extensions?: { code?: string } }[] }, secrets: string[]) {
  expect(result.errors?.length, JSON.stringify(result)).toBeGreaterThan(0);
  for (const error of result.errors!) {
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    for (const s of secrets) expect(error.message).not.toContain(s);
  }
}

describe('a mutation whose variables fail coercion logs no secret', () => {
  const cases: Array<[string, string, (s: (n: string) => string) => Record<string, unknown>]> = [
    ['credentials, a wrong type elsewhere', CREATE_ACCOUNT, (s) => ({ ...account, enabled: 'yes', credentials: { username: 'u', password: s('pw1') } })],
    ['credentials with an unknown field', CREATE_ACCOUNT, (s) => ({ ...account, credentials: { username: 'u', password: s('pw2'), apiKey: s('key2'), extra: 1 } })],
    ['credentials of the wrong shape', CREATE_ACCOUNT, (s) => ({ ...account, credentials: [s('pw3')] })],
    ['a secret where the whole input goes', CREATE_ACCOUNT, (s) => s('whole4') as never],
    ['update with a bad id', UPDATE_ACCOUNT, (s) => ({ id: { x: 1 }, credentials: { clientId: '1', apiKey: s('key5'), token: s('tok5') } })],
    ['webhook secret, a wrong type elsewhere', CREATE_WEBHOOK, (s) => ({ url: 'http://127.0.0.1:9/hook', secret: s('wh6'), retryCount: 'many' })],
    ['webhook secret with a misspelt field', CREATE_WEBHOOK, (s) => ({ url: 'http://127.0.0.1:9/hook', secret: s('wh7'), secert: s('wh7b') })],
    ['webhook secret of the wrong type', CREATE_WEBHOOK, (s) => ({ url: 'http://127.0.0.1:9/hook', secret: { value: s('wh8') } })],
    ['rotated secret with a bad id', ROTATE, (s) => ({ id: [1, 2], secret: s('rot9') })],
  ];
  for (const [name, query, input] of cases) {
    it(name, async () => {
      const secrets: string[] = [];
      const s = (n: string) => (secrets.push(secret(n)), secret(n));
      const result = await t.gql(query, { input: input(s) });
      expectBadInput(result, secrets);
      const logs = logText();
      for (const value of secrets) expect(logs).not.toContain(value);
    });
  }
});

it('a secret variable used inside a literal input', async () => {
  const query = 'mutation($s: String!) { createWebhook(input: { url: "http://127.0.0.1:9/hook", secret: $s }) { secret errors { code } } }';
  const result = await t.gql(query, { s: { value: secret('var12') } });
  expectBadInput(result, [secret('var12')]);
  expect(logText()).not.toContain(secret('var12'));
});

it('a malformed JSON body is a client error, not logged as a server error', async () => {
  const before = t.logs.length;
  const body = `{"query":"${CREATE_WEBHOOK.replaceAll('"', '\\"')}","variables":{"input":{"secret":"${secret('json10')}"}x}}`;
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body });
  expect(res.status).toBe(400);
  const logs = t.logs.slice(before).map((line) => JSON.parse(line) as { level: number; msg?: string });
  expect(logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
});

it('caps a huge echoed value in the log and never logs the tokens it hands out', async () => {
  // Under the request body limit (1 MB by default), far over a log line's.
  const huge = 'h'.repeat(300_000);
  const result = await t.gql(CREATE_WEBHOOK, { input: { url: 'http://127.0.0.1:9/hook', timeoutMs: huge } });
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const created = dataOf(await t.gql('mutation { createApiToken(input: { name: "redaction", role: VIEWER }) { token } }')).createApiToken.token as string;
  const hook = dataOf(await t.gql(CREATE_WEBHOOK, { input: { url: 'http://127.0.0.1:9/hook', secret: secret('ok11') } })).createWebhook;
  expect(hook.secret).toBe(secret('ok11'));
  const logs = logText();
  for (const value of [created, secret('ok11'), t.adminToken]) expect(logs).not.toContain(value);
  const longest = Math.max(...t.logs.flatMap((chunk) => chunk.split('\n')).map((line) => line.length));
  expect(longest).toBeLessThan(MAX_LINE);
});

it('a webhook URL carrying credentials or a token in its query is logged by its origin only', async () => {
  const url = `http://hook-user:${secret('url12')}@127.0.0.1:9/hook?token=${secret('query12')}`;
  const created = dataOf(await t.gql(CREATE_WEBHOOK, { input: { url } })).createWebhook;
  expect(created.errors).toEqual([]);
  expect(logText()).toContain('webhook created');
  for (const value of [secret('url12'), secret('query12')]) expect(logText()).not.toContain(value);
});

it('no log line above info level comes from bad input', () => {
  const errors = t.logs.map((line) => JSON.parse(line) as { level: number; msg?: string }).filter((l) => l.level >= 50);
  expect(errors.map((l) => l.msg)).toEqual([]);
});

describe('the secrets of a request are found by input type', () => {
  const secretsOf = (query: string, variables?: Record<string, unknown>) => requestSecrets(schema, parse(query), undefined, variables)?.values ?? [];

  it('in variables, at secret fields and in values of the wrong shape for a type that holds secrets', () => {
    expect(secretsOf(CREATE_ACCOUNT, { input: { ...account, credentials: { username: 'u1', password: 'pw-1' } } }).sort()).toEqual(['pw-1', 'u1']);
    expect(secretsOf(CREATE_ACCOUNT, { input: 'all-of-it' })).toEqual(['all-of-it']);
    expect(secretsOf(CREATE_WEBHOOK, { input: { url: 'http://h', secret: 'wh-1', description: 'not secret' } })).toEqual(['wh-1']);
    expect(secretsOf(CREATE_WEBHOOK, { input: { url: 'http://h', description: 'not secret', retryCount: 3 } })).toEqual([]);
  });

  it('in literals of the document and in variables used at a secret position', () => {
    expect(secretsOf('mutation { createWebhook(input: { url: "http://h", secret: "literal-1" }) { secret } }')).toEqual(['literal-1']);
    expect(secretsOf('mutation($s: String) { rotateWebhookSecret(input: { id: "1", secret: $s }) { secret } }', { s: 'var-1' })).toEqual(['var-1']);
  });

  it('redacts a secret of any length (a 400 KB one is still a bad-input answer, not an internal error)', async () => {
    const big = 'B'.repeat(400_000);
    expect(redactor({ values: [big], overflow: false })(`got "${big}" and ${big}`)).toBe('got "[redacted]" and [redacted]');
    const result = await t.gql(CREATE_ACCOUNT, { input: { ...account, enabled: 'yes', credentials: { username: 'u', password: big } } });
    expectBadInput(result, [big]);
  });

  it('redacts quoted and bare occurrences, and withholds everything past too many secrets', () => {
    const redact = redactor({ values: ['abc', 'long-secret'], overflow: false });
    expect(redact('value "abc" abc and long-secret, "long-secret"')).toBe('value "[redacted]" abc and [redacted], "[redacted]"');
    expect(redactor({ values: ['x'], overflow: true })('"x"')).not.toContain('x"');
  });
});

it('the logger caps every string it writes: messages, fields and errors', () => {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }) as never);
  const huge = 'z'.repeat(200_000);
  logger.info(huge);
  logger.info({ variables: { input: { description: huge, list: Array.from({ length: 1000 }, () => huge) } } }, 'fields');
  logger.error({ err: new Error(huge) }, 'an error');
  expect(lines).toHaveLength(3);
  // A message, one object's strings and one error's each have their own cap.
  for (const line of lines) expect(line.length).toBeLessThan(MAX_LINE + MAX_LOGGED_OBJECT);
});
