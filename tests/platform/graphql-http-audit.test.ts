// Issue 16, item 6: the GraphQL-over-HTTP specification's audit suite (graphql-http's
// `serverAudits`, MUST and SHOULD alike) against the running service, with a token on every request.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('GraphQL over HTTP', () => {
  it('passes every audit of graphql-http', async () => {
    const audits = serverAudits({
      url: () => `${t.url}/graphql`,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${t.adminToken}`);
        return fetch(input, { ...init, headers });
      },
    });
    const failed: string[] = [];
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push(`${audit.name}: ${result.status} ${result.reason}`);
    }
    console.log(`graphql-http audits: ${audits.length - failed.length} of ${audits.length} ok`);
    expect(failed).toEqual([]);
  });
});
