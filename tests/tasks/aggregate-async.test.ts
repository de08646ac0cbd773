import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { snapshot } from '../helpers/production.js';
import { PAYLOAD, waitForTask } from './task-helpers.js';

describe('aggregateBatchAsync', () => {
  let t: TestApp;
  let wcId: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    wcId = (await t.app.services.prisma.workCenter.create({ data: { identifier: 'WC-G', name: 'Line G' } })).id;
  });
  afterAll(async () => t?.close());

  async function batchWithUnits(count: number, aggregated = 0) {
    const p = t.app.services.prisma;
    const n = ++seq;
    const batch = await p.batch.create({
      data: { taskDescription: 'T', shift: 'Day', team: 'A', batchNumber: n, batchDate: new Date('2026-11-21'), nomenclature: 'N', eknCode: 'E', shiftStart: new Date('2026-11-21T08:00:00Z'), shiftEnd: new Date('2026-11-21T16:00:00Z'), workCenterId: wcId },
    });
    const codes = Array.from({ length: count }, (_, i) => `B${n}-${String(i).padStart(5, '0')}`);
    await p.unit.createMany({ data: codes.map((code, i) => ({ batchId: batch.id, code, aggregated: i < aggregated, aggregatedAt: i < aggregated ? new Date('2026-11-21T10:00:00Z') : null })) });
    return { batchId: batch.id, codes };
  }

  const start = async (input: Record<string, unknown>, token?: string) =>
    dataOf(await t.gql(`mutation($i: AggregateBatchAsyncInput!) { aggregateBatchAsync(input: $i) { ${PAYLOAD} } }`, { i: input }, token)).aggregateBatchAsync;

  it('aggregates every pending unit of the batch, in chunks, with aggregateBatch events', async () => {
    const { batchId } = await batchWithUnits(1100, 40);
    const other = await batchWithUnits(5);
    const events = t.app.services.events.subscribe(['batch.aggregated']);
    const heard: any[] = [];
    const listening = (async () => {
      for await (const e of events) {
        heard.push(e);
        if (heard.reduce((s, x) => s + x.payload.aggregatedCount, 0) >= 1060) break;
      }
    })();
    const started = await start({ batchId, aggregatedAt: '2026-11-22T12:00:00.000Z' });
    expect(started).toMatchObject({ errors: [], task: { kind: 'aggregateBatchAsync', status: 'PENDING' } });
    const task = await waitForTask(t, started.task.id);
    await listening;
    expect(task).toMatchObject({ status: 'SUCCESS', progressCurrent: 1060, progressTotal: 1060, result: { batchId, aggregatedCount: 1060, refusedCount: 0, refused: [] } });
    const p = t.app.services.prisma;
    expect(await p.unit.count({ where: { batchId, aggregated: false } })).toBe(0);
    expect(await p.unit.count({ where: { batchId, aggregatedAt: new Date('2026-11-22T12:00:00.000Z') } })).toBe(1060);
    expect(await p.unit.count({ where: { batchId: other.batchId, aggregated: true } })).toBe(0);
    // One batch.aggregated per chunk of 500, as aggregateBatch emits it.
    expect(heard.map((e) => [e.payload.batchId, e.payload.aggregatedCount])).toEqual([
      [batchId, 500],
      [batchId, 500],
      [batchId, 60],
    ]);
  });

  it('aggregates exactly the given pending codes and reports each refused one like aggregateBatch', async () => {
    const { batchId, codes } = await batchWithUnits(30, 2);
    const other = await batchWithUnits(1);
    const wanted = [...codes.slice(10, 20), codes[0]!, 'NOPE-1', other.codes[0]!, codes[10]!];
    const task = await waitForTask(t, (await start({ batchId, codes: wanted })).task.id);
    expect(task.status).toBe('SUCCESS');
    expect(task.result.aggregatedCount).toBe(10);
    expect(task.result.refusedCount).toBe(3);
    expect(task.result.refused).toEqual([
      { code: codes[0], errorCode: 'UNIT_ALREADY_AGGREGATED', message: `Unit "${codes[0]}" was already aggregated at 2026-11-21T10:00:00.000Z`, field: ['input', 'codes', '10'] },
      { code: 'NOPE-1', errorCode: 'UNIT_NOT_FOUND', message: 'No unit with code "NOPE-1"', field: ['input', 'codes', '11'] },
      { code: other.codes[0], errorCode: 'UNIT_IN_ANOTHER_BATCH', message: `Unit "${other.codes[0]}" belongs to another batch`, field: ['input', 'codes', '12'] },
    ]);
    const aggregated = await t.app.services.prisma.unit.findMany({ where: { batchId, aggregated: true }, select: { code: true }, orderBy: { code: 'asc' } });
    expect(aggregated.map((u) => u.code)).toEqual([codes[0], codes[1], ...codes.slice(10, 20)]);
    expect(await t.app.services.prisma.unit.count({ where: { batchId: other.batchId, aggregated: true } })).toBe(0);
  });

  it('refuses at once, queueing nothing, an unknown batch or a bad input; needs OPERATOR', async () => {
    const before = await t.app.services.prisma.backgroundTask.count();
    const snap = await snapshot(t);
    expect(await start({ batchId: '00000000-0000-4000-8000-000000000000' })).toEqual({
      task: null,
      errors: [{ code: 'NOT_FOUND', message: 'No batch with id 00000000-0000-4000-8000-000000000000', field: ['input', 'batchId'] }],
    });
    expect((await start({ batchId: 'x' })).errors).toEqual([{ code: 'VALIDATION', message: 'must be a valid id', field: ['input', 'batchId'] }]);
    const { batchId } = await batchWithUnits(1);
    expect((await start({ batchId, codes: [] })).errors[0]).toMatchObject({ code: 'VALIDATION', field: ['input', 'codes'] });
    const viewer = await t.tokenFor('VIEWER');
    const refused = await t.gql(`mutation { aggregateBatchAsync(input: { batchId: "${batchId}" }) { task { id } } }`, {}, viewer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await t.app.services.prisma.backgroundTask.count()).toBe(before);
    expect((await snapshot(t)).aggregated).toBe(snap.aggregated);
  });
});
