// Review of issue 12: admission and the limits in front of it decide from checked input only —
// parameters Yoga validated, the document Yoga parsed (once, under the token limit), a verified
// token — and refusals before execution still reach the metrics.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { scrapeMetrics } from '../helpers/metrics.js';

// Every document parse our sources make, with its options.
const parses = vi.hoisted(() => [] as Array<{ maxTokens?: number } | undefined>);
vi.mock('graphql', async (importOriginal) => {
  const graphql = await importOriginal<typeof import('graphql')>();
  const parse: typeof graphql.parse = (source, options) => {
    // The test helpers parse too (to find secret inputs); only the service's parses count.
    if (!/tests[/\\]helpers/.test(new Error().stack ?? '')) parses.push(options);
    return graphql.parse(source, options);
  };
  return { ...graphql, parse };
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3', GRAPHQL_MAX_TOKENS: '2000' });
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }, body: JSON.stringify(body) });

describe('admission decides from checked input', () => {
  it('parses each document once, under the token limit, even when it names a subscription or a sync trigger', async () => {
    parses.length = 0;
    const flood = `subscription triggerSync { ${Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const res = await post({ query: flood }, { authorization: `Bearer ${t.adminToken}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('QUERY_TOO_LARGE');
    const ok = await t.gql('mutation TriggerNothing { triggerSync(input: { accountIds: [] }) { runs { id } } }');
    expect(ok.status).toBe(200);
    expect(parses).toHaveLength(2);
    expect(parses.every((o) => o?.maxTokens === 2000)).toBe(true);
  });

  it('a bogus token spends its address lookup budget before any token lookup', async () => {
    t.resetQueries();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post({ query: '{ __typename }' }, { authorization: `Bearer stk_bogus${i}` })).status);
    // The lookup budget of 3 (one spent on the admin token's first use above) runs out; past it no token is looked up.
    const refused = statuses.filter((s) => s === 401).length;
    expect(statuses).toEqual([...Array(refused).fill(401), ...Array(5 - refused).fill(429)]);
    expect(refused).toBeLessThanOrEqual(3);
    expect(t.queries.filter((q) => /^SELECT/i.test(q) && /"ApiToken"/.test(q) && /WHERE.*"tokenHash"/s.test(q))).toHaveLength(refused);
  });

  it('a subscription over HTTP holds no slot while it is open', async () => {
    const admission = t.app.services.admission!;
    const open = new AbortController();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${t.adminToken}` },
      body: JSON.stringify({ query: 'subscription { alertRaised { id } }' }),
      signal: open.signal,
    });
    expect(res.status).toBe(200);
    // Headers arrived: the stream is open.
    expect(admission.active).toBe(0);
    open.abort();
  });

  it('refuses a query that is not a string with 400, not an internal error', async () => {
    // With a token: the anonymous budget of this address is spent by the test above.
    const res = await post({ query: 123 }, { authorization: `Bearer ${t.adminToken}` });
    expect(res.status).toBe(400);
    expect(t.logs.some((l) => l.includes('"level":50') || l.includes('INTERNAL_SERVER_ERROR'))).toBe(false);
  });

  it('counts a request refused for ill-formed text in the metrics', async () => {
    const before = await scrapeMetrics(t.url);
    const res = await t.gql('query IllFormed($c: String) { unit(code: $c) { id } }', { c: 'a\u0000' });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await scrapeMetrics(t.url);
    const delta = (name: string) => after.value(name, { operationName: 'IllFormed' }) - before.value(name, { operationName: 'IllFormed' });
    expect(delta('graphql_envelop_request')).toBe(1);
    expect(delta('graphql_envelop_error_result')).toBe(1);
  });
});
