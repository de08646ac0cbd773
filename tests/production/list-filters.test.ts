import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';

// A batches filter no batch could ever match by its rules (a number that is not positive, a date
// range that ends before it starts) is a mistake of the caller: a BAD_USER_INPUT error naming the
// argument, not an empty page that looks like "no batches" (nor a database error).
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const wc = await createWorkCenter(t);
  expect((await createBatch(t, batchInput(wc.id, { batchNumber: 1, batchDate: '2026-10-05' }))).errors).toEqual([]);
});
afterAll(() => t?.close());

const LIST = `query($filter: BatchFilter) { batches(filter: $filter) { totalCount edges { node { id } } } }`;

describe('batches filter validation', () => {
  it.each([
    [{ batchNumber: 0 }, ['filter', 'batchNumber'], /batchNumber must be positive/],
    [{ batchNumber: -5 }, ['filter', 'batchNumber'], /batchNumber must be positive/],
    [{ batchDateFrom: '2026-10-06', batchDateTo: '2026-10-05' }, ['filter', 'batchDateTo'], /batchDateTo.*batchDateFrom/],
  ])('refuses %j as BAD_USER_INPUT', async (filter, field, message) => {
    const r = await t.gql(LIST, { filter });
    expect(r.data?.batches ?? null).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field } });
  });

  it('refuses the same filter of exportBatches in its payload, and starts no task', async () => {
    const EXPORT = `mutation($i: ExportBatchesInput!) { exportBatches(input: $i) { task { id } errors { code field message } } }`;
    for (const filter of [{ batchNumber: 0 }, { batchDateFrom: '2026-10-06', batchDateTo: '2026-10-05' }]) {
      const r = (await t.gql(EXPORT, { i: { format: 'CSV', filter } })).data.exportBatches;
      expect(r.task).toBeNull();
      expect(r.errors).toEqual([{ code: 'VALIDATION', field: ['input', 'filter', Object.keys(filter).at(-1)], message: expect.any(String) }]);
    }
    expect(await t.app.services.prisma.backgroundTask.count()).toBe(0);
  });

  it('still answers the valid edges: number 1, a one-day range', async () => {
    expect((await t.gql(LIST, { filter: { batchNumber: 1 } })).data.batches.totalCount).toBe(1);
    expect((await t.gql(LIST, { filter: { batchDateFrom: '2026-10-05', batchDateTo: '2026-10-05' } })).data.batches.totalCount).toBe(1);
  });
});
