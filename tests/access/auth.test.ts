import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { schema } from '../../src/graphql/schema.js';
import { hashToken } from '../../src/modules/access/token.service.js';

let t: TestApp;
let viewer: string;
let operator: string;
beforeAll(async () => {
  t = await startTestApp({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COMPLEXITY: '3000' });
  viewer = await t.tokenFor('VIEWER');
  operator = await t.tokenFor('OPERATOR');
});
afterAll(() => t?.close());

describe('access control', () => {
  it('declares an auth scope on every root field', () => {
    for (const root of [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!]) {
      for (const field of Object.values(root.getFields())) {
        const scopes = (field.extensions as any)?.pothosOptions?.authScopes;
        expect(scopes, `${root.name}.${field.name}`).toBeTruthy();
      }
    }
  });

  it('refuses calls without a token with UNAUTHENTICATED, and changes nothing', async () => {
    const before = await t.app.services.prisma.workCenter.count();
    // With a well-formed call, the error is the 401-style one.
    const r = await t.gql('mutation { createWorkCenter(input: { identifier: "X", name: "Y" }) { workCenter { id } } }', {}, null);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toMatch(/Authorization: Bearer/);
    const q = await t.gql('{ batches { totalCount } }', {}, null);
    expect(q.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await t.app.services.prisma.workCenter.count()).toBe(before);
  });

  it('answers 401 to an unknown, malformed or revoked token', async () => {
    for (const header of ['Bearer stk_not-a-real-token', 'Basic abc', 'Bearer']) {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
      expect(res.status, header).toBe(401);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a VIEWER read and refuses its writes with FORBIDDEN', async () => {
    expect((await t.gql('{ viewer { role } batches { totalCount } }', {}, viewer)).data).toEqual({ viewer: { role: 'VIEWER' }, batches: { totalCount: 0 } });
    const r = await t.gql('mutation { createWorkCenter(input: { identifier: "V", name: "V" }) { workCenter { id } } }', {}, viewer);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.app.services.prisma.workCenter.count({ where: { identifier: 'V' } })).toBe(0);
  });

  it('lets an OPERATOR run production but not manage tokens', async () => {
    const ok = await t.gql('mutation { createWorkCenter(input: { identifier: "OP", name: "Op" }) { workCenter { identifier } errors { code } } }', {}, operator);
    expect(ok.data.createWorkCenter).toEqual({ workCenter: { identifier: 'OP' }, errors: [] });
    const refused = await t.gql('mutation { createApiToken(input: { name: "x", role: ADMIN }) { token } }', {}, operator);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql('{ apiTokens { totalCount } }', {}, operator)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an ADMIN create a token (secret shown once, stored hashed) and revoke it', async () => {
    const created = await t.gql('mutation { createApiToken(input: { name: "ci", role: OPERATOR }) { token apiToken { id name role prefix revokedAt } errors { code } } }');
    const { token, apiToken, errors } = created.data.createApiToken;
    expect(errors).toEqual([]);
    expect(token).toMatch(/^stk_[A-Za-z0-9_-]{40,}$/);
    expect(apiToken).toMatchObject({ name: 'ci', role: 'OPERATOR', prefix: token.slice(0, 10), revokedAt: null });
    const row = await t.app.services.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await t.gql('{ viewer { name role } }', {}, token)).data).toEqual({ viewer: { name: 'ci', role: 'OPERATOR' } });

    const revoked = await t.gql('mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { revokedAt } errors { code } } }', { i: { id: apiToken.id } });
    expect(revoked.data.revokeApiToken.errors).toEqual([]);
    expect(revoked.data.revokeApiToken.apiToken.revokedAt).not.toBeNull();
    expect((await t.gql('{ viewer { name } }', {}, token)).status).toBe(401);
    const again = await t.gql('mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { errors { code } } }', { i: { id: apiToken.id } });
    expect(again.data.revokeApiToken.errors).toEqual([{ code: 'ALREADY_REVOKED' }]);
    const bad = await t.gql('mutation { createApiToken(input: { name: " ", role: VIEWER }) { token errors { code field } } }');
    expect(bad.data.createApiToken).toEqual({ token: null, errors: [{ code: 'VALIDATION', field: ['input', 'name'] }] });
  });

  it('refuses operations deeper or costlier than the limits', async () => {
    const deep = await t.gql('{ batches { edges { node { workCenter { batches { edges { node { workCenter { id } } } } } } } } }');
    expect(deep.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Query depth is \d+, over the limit of 8/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const costly = await t.gql('{ a: batches(first: 100) { edges { node { units(first: 100) { edges { node { code } } } } } } }');
    expect(costly.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Query complexity is \d+, over the limit of 3000/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const fine = await t.gql('{ batches(first: 10) { edges { node { id } } } }');
    expect(fine.errors).toBeUndefined();
  });
});
