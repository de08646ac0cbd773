/**
 * Text that PostgreSQL cannot store (a NUL character) or that is not Unicode (a lone UTF-16
 * surrogate) is refused as bad input wherever a request carries it, before any resolver runs
 * (issue 12, finding 6: an unhandled Prisma 22021 error a VIEWER could trigger).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { openWsClient } from '../helpers/ws-client.js';
import { createWorkCenter, snapshot } from '../helpers/production.js';

let t: TestApp;
let viewer: string;
beforeAll(async () => {
  t = await startTestApp();
  viewer = await t.tokenFor('VIEWER');
  await createWorkCenter(t, 'WC-TEXT');
});
afterAll(() => t?.close());

const refusedAsBadInput = (r: { status: number; errors?: { message: string; extensions?: { code?: string } }[] }) => {
  expect(r.status).toBeLessThan(500);
  expect(r.errors?.length).toBeGreaterThan(0);
  for (const e of r.errors!) expect(e.extensions?.code).toBe('BAD_USER_INPUT');
};

describe('text inputs', () => {
  it('a VIEWER filtering on a NUL byte gets BAD_USER_INPUT, not an internal error', async () => {
    refusedAsBadInput(await t.gql('query($f: BatchFilter) { batches(filter: $f) { totalCount } }', { f: { shift: 'Day\u0000' } }, viewer));
    refusedAsBadInput(await t.gql('query($c: String) { unit(code: $c) { id } }', { c: '\u0000' }, viewer));
    refusedAsBadInput(await t.gql('{ workCenters(filter: { search: "a\\u0000b" }) { totalCount } }', undefined, viewer));
  });

  it('refuses NUL and lone surrogates in mutation inputs and changes nothing', async () => {
    const before = await snapshot(t);
    for (const name of ['Line\u0000', 'Line \ud800', 'Line \udfff x', '\ud83d']) {
      const r = await t.gql('mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { id } errors { code } } }', { i: { identifier: `WC-${name}`, name } });
      refusedAsBadInput(r);
      expect(r.errors![0]!.message).toMatch(/variables\.i\.(identifier|name)/);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses them in JSON values and their keys too', async () => {
    const update = 'mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { errors { code } } }';
    const id = '00000000-0000-4000-8000-000000000000';
    refusedAsBadInput(await t.gql(update, { i: { id, rateLimits: { ['k\u0000']: 1 } } }));
    refusedAsBadInput(await t.gql(update, { i: { id, rateLimits: { nested: [{ deep: 'v\ud800' }] } } }));
  });

  it('a document checked before is checked the same from the cache: its literals once, variables every time', async () => {
    const bad = '{ workCenters(filter: { search: "x\\u0000y" }) { totalCount } }';
    const first = await t.gql(bad, undefined, viewer);
    const again = await t.gql(bad, undefined, viewer);
    refusedAsBadInput(first);
    expect(again.errors).toEqual(first.errors);
    expect(again.errors![0]!.message).toMatch(/^A string in the query .*NUL/);
    // A clean document is kept as clean, yet the variables of each request are still checked.
    const clean = 'query($s: String) { workCenters(filter: { search: $s }) { totalCount } }';
    expect(dataOf(await t.gql(clean, { s: 'fine' }, viewer)).workCenters).toEqual({ totalCount: 0 });
    refusedAsBadInput(await t.gql(clean, { s: 'x\u0000' }, viewer));
    expect(dataOf(await t.gql(clean, { s: 'fine again' }, viewer)).workCenters).toEqual({ totalCount: 0 });
  });

  it('refuses them in subscriptions over WebSocket too', async () => {
    const client = openWsClient(t.url, viewer, { lazy: true });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription($types: [String!]) { domainEvents(types: $types) { type } }', variables: { types: ['batch.created\u0000'] } }, { next: resolve, error: resolve, complete: () => resolve('completed') });
      });
      expect(JSON.stringify(errors)).toMatch(/BAD_USER_INPUT/);
      expect(JSON.stringify(errors)).toMatch(/NUL character/);
    } finally {
      await client.dispose();
    }
  });

  it('accepts any well-formed text, emoji and other supplementary characters included', async () => {
    const r = dataOf(await t.gql('mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { name } errors { code } } }', { i: { identifier: 'WC-EMOJI', name: 'Линия 🚀 𝄞' } }));
    expect(r.createWorkCenter).toEqual({ workCenter: { name: 'Линия 🚀 𝄞' }, errors: [] });
    expect(dataOf(await t.gql('query($c: String) { unit(code: $c) { id } }', { c: 'tab\there' }, viewer)).unit).toBeNull();
  });
});
