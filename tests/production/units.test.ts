import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter, mutate, snapshot } from '../helpers/production.js';

let t: TestApp;
let wcId: string;
beforeAll(async () => {
  t = await startTestApp();
  wcId = (await createWorkCenter(t)).id;
});
afterAll(() => t?.close());

const add = (batchId: string, code: string) => mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId, code }, 'unit { id code aggregated aggregatedAt }');
const remove = (batchId: string, code: string) => mutate(t, 'removeUnitFromBatch', 'RemoveUnitFromBatchInput', { batchId, code }, 'unit { code }');
const aggregate = (input: Record<string, unknown>) => mutate(t, 'aggregateUnit', 'AggregateUnitInput', input, 'unit { code aggregated aggregatedAt }');
const aggregateBatch = (input: Record<string, unknown>) =>
  mutate(t, 'aggregateBatch', 'AggregateBatchInput', input, 'aggregatedCount batch { id aggregatedUnitCount units { totalCount } }');
const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

describe('units', () => {
  it('adds a unit whose code is unique across the system', async () => {
    const a = (await createBatch(t, batchInput(wcId))).batch;
    const b = (await createBatch(t, batchInput(wcId))).batch;
    const added = await add(a.id, 'U-1');
    expect(added).toEqual({ unit: { id: expect.any(String), code: 'U-1', aggregated: false, aggregatedAt: null }, errors: [] });
    const before = await snapshot(t);
    expect(codes((await add(a.id, 'U-1')).errors)).toEqual(['UNIT_CODE_TAKEN']);
    expect(codes((await add(b.id, 'U-1')).errors)).toEqual(['UNIT_CODE_TAKEN']);
    expect(await snapshot(t)).toEqual(before);
    const byCode = await t.gql('{ unit(code: "U-1") { code batch { id } } }');
    expect(byCode.data).toEqual({ unit: { code: 'U-1', batch: { id: a.id } } });
  });

  it('refuses adding to or removing from a closed batch', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    await add(batch.id, 'C-1');
    await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { id }');
    const before = await snapshot(t);
    expect(codes((await add(batch.id, 'C-2')).errors)).toEqual(['BATCH_CLOSED']);
    expect(codes((await remove(batch.id, 'C-1')).errors)).toEqual(['BATCH_CLOSED']);
    expect(await snapshot(t)).toEqual(before);
  });

  it('removes a unit, but never an aggregated one or one of another batch', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    const other = (await createBatch(t, batchInput(wcId))).batch;
    await add(batch.id, 'R-1');
    await add(batch.id, 'R-2');
    await add(other.id, 'R-3');
    expect(await remove(batch.id, 'R-1')).toEqual({ unit: { code: 'R-1' }, errors: [] });
    await aggregate({ batchId: batch.id, code: 'R-2' });
    const before = await snapshot(t);
    expect(codes((await remove(batch.id, 'R-2')).errors)).toEqual(['UNIT_AGGREGATED']);
    expect(codes((await remove(batch.id, 'R-3')).errors)).toEqual(['UNIT_NOT_FOUND']);
    expect(await snapshot(t)).toEqual(before);
  });

  it('aggregates a unit once, at now or a given time; never twice, never through another batch', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    const other = (await createBatch(t, batchInput(wcId))).batch;
    await add(batch.id, 'A-1');
    await add(batch.id, 'A-2');
    const at = '2026-11-21T10:00:00.000Z';
    expect(await aggregate({ batchId: batch.id, code: 'A-1', aggregatedAt: at })).toEqual({ unit: { code: 'A-1', aggregated: true, aggregatedAt: at }, errors: [] });
    const before = await snapshot(t);
    const twice = await aggregate({ batchId: batch.id, code: 'A-1' });
    expect(twice.errors).toEqual([{ code: 'UNIT_ALREADY_AGGREGATED', message: `Unit "A-1" was already aggregated at ${at}`, field: ['input', 'code'] }]);
    expect(codes((await aggregate({ batchId: other.id, code: 'A-2' })).errors)).toEqual(['UNIT_IN_ANOTHER_BATCH']);
    expect(codes((await aggregate({ batchId: batch.id, code: 'NOPE' })).errors)).toEqual(['UNIT_NOT_FOUND']);
    expect(await snapshot(t)).toEqual(before);
    const stored = await t.app.services.prisma.unit.findUniqueOrThrow({ where: { code: 'A-1' } });
    expect(stored.aggregatedAt?.toISOString()).toBe(at);
  });

  it('aggregates a whole batch: every unit not yet aggregated', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    for (const code of ['W-1', 'W-2', 'W-3']) await add(batch.id, code);
    await aggregate({ batchId: batch.id, code: 'W-1' });
    const result = await aggregateBatch({ batchId: batch.id });
    expect(result).toEqual({ aggregatedCount: 2, batch: { id: batch.id, aggregatedUnitCount: 3, units: { totalCount: 3 } }, errors: [] });
    expect((await aggregateBatch({ batchId: batch.id })).aggregatedCount).toBe(0);
  });

  it('aggregates given codes all or nothing, reporting every bad code', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    const other = (await createBatch(t, batchInput(wcId))).batch;
    for (const code of ['S-1', 'S-2', 'S-3', 'S-4']) await add(batch.id, code);
    await add(other.id, 'S-9');
    await aggregate({ batchId: batch.id, code: 'S-4' });
    const before = await snapshot(t);
    const refused = await aggregateBatch({ batchId: batch.id, codes: ['S-1', 'S-9', 'S-4', 'S-X'] });
    expect(refused.aggregatedCount).toBeNull();
    expect(refused.errors.map((e: any) => [e.code, e.field])).toEqual([
      ['UNIT_IN_ANOTHER_BATCH', ['input', 'codes', '1']],
      ['UNIT_ALREADY_AGGREGATED', ['input', 'codes', '2']],
      ['UNIT_NOT_FOUND', ['input', 'codes', '3']],
    ]);
    expect(await snapshot(t)).toEqual(before);
    const ok = await aggregateBatch({ batchId: batch.id, codes: ['S-1', 'S-2'], aggregatedAt: '2026-11-22T00:00:00.000Z' });
    expect(ok).toMatchObject({ aggregatedCount: 2, errors: [] });
    const rows = await t.app.services.prisma.unit.findMany({ where: { batchId: batch.id }, orderBy: { code: 'asc' } });
    expect(rows.map((u) => [u.code, u.aggregated])).toEqual([['S-1', true], ['S-2', true], ['S-3', false], ['S-4', true]]);
  });

  it('lists units with filters and Relay pages', async () => {
    const batch = (await createBatch(t, batchInput(wcId))).batch;
    for (let i = 0; i < 5; i++) await add(batch.id, `L-${i}`);
    await aggregate({ batchId: batch.id, code: 'L-0' });
    const q = 'query($f: UnitFilter, $after: String) { units(filter: $f, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }';
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await t.gql(q, { f: { batchId: batch.id, aggregated: false }, after })).data.units;
      expect(page.totalCount).toBe(4);
      seen.push(...page.edges.map((e: any) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['L-1', 'L-2', 'L-3', 'L-4']);
  });
});
