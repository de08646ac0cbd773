import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ API_RATE_LIMIT_PER_MINUTE: '5' });
});
afterAll(() => t?.close());

const call = (token: string) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { name } }' }),
  });

describe('per-token request rate limit', () => {
  it('answers 429 with Retry-After once a token spent its budget, without touching other tokens', async () => {
    const busy = await t.tokenFor('VIEWER');
    const other = await t.tokenFor('VIEWER');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(busy)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await call(busy);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0].message).toMatch(/^Rate limit of 5 requests per minute exceeded/);
    expect((await call(other)).status).toBe(200);
  });
});
