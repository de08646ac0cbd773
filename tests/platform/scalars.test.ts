import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('scalar input errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('a bad Decimal in the variables is BAD_USER_INPUT with the reason, not an internal error', async () => {
    const r = await t.gql(`mutation($p: Decimal!) { updateListingPrice(input: { listingId: "00000000-0000-4000-8000-000000000000", price: $p }) { errors { code } } }`, { p: '12,50' });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/Decimal must be a number with at most 12 integer and 2 fraction digits/);
  });

  it('an impossible Date is BAD_USER_INPUT', async () => {
    const r = await t.gql(`query($d: Date) { orderStats(from: null) { count } trend: productTrends(productId: "00000000-0000-4000-8000-000000000000", from: $d) { productId } }`, { d: '2026-02-30' });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
