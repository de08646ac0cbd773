import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BATCH_FIELDS, batchInput, createBatch, createWorkCenter, mutate, snapshot } from '../helpers/production.js';

let t: TestApp;
let wc: { id: string; identifier: string };
beforeAll(async () => {
  t = await startTestApp();
  wc = await createWorkCenter(t);
});
afterAll(() => t?.close());

describe('batches', () => {
  it('creates a batch with every field of the Production Control API', async () => {
    const input = batchInput(wc.id, { batchNumber: 501, closed: false });
    const { batch, errors } = await createBatch(t, input);
    expect(errors).toEqual([]);
    expect(batch).toMatchObject({
      taskDescription: input.taskDescription,
      shift: 'Day',
      team: 'Team A',
      batchNumber: 501,
      batchDate: '2026-11-20',
      nomenclature: 'Water 0.5',
      eknCode: 'EKN-001',
      shiftStart: '2026-11-20T08:00:00.000Z',
      shiftEnd: '2026-11-20T20:00:00.000Z',
      closed: false,
      closedAt: null,
      workCenter: { id: wc.id, identifier: wc.identifier },
    });
  });

  it('refuses a shift that ends before it starts, and creates nothing', async () => {
    const before = await snapshot(t);
    const { batch, errors } = await createBatch(t, batchInput(wc.id, { shiftEnd: '2026-11-20T07:00:00.000Z' }));
    expect(batch).toBeNull();
    expect(errors).toEqual([{ code: 'VALIDATION', message: 'shiftEnd must be after shiftStart', field: ['input', 'shiftEnd'] }]);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses an unknown work center, a duplicate batch number for the date, and empty text', async () => {
    const before = await snapshot(t);
    const missing = await createBatch(t, batchInput('00000000-0000-4000-8000-000000000000'));
    expect(missing.errors.map((e) => e.code)).toEqual(['WORK_CENTER_NOT_FOUND']);
    await createBatch(t, batchInput(wc.id, { batchNumber: 777 }));
    const dup = await createBatch(t, batchInput(wc.id, { batchNumber: 777 }));
    expect(dup.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_BATCH', field: ['input', 'batchNumber'] })]);
    const otherDay = await createBatch(t, batchInput(wc.id, { batchNumber: 777, batchDate: '2026-11-21' }));
    expect(otherDay.errors).toEqual([]);
    const empty = await createBatch(t, batchInput(wc.id, { team: '  ' }));
    expect(empty.errors).toEqual([{ code: 'VALIDATION', message: 'team must not be empty', field: ['input', 'team'] }]);
    expect(await snapshot(t)).toEqual({ ...before, batches: before.batches + 2 });
  });

  it('updates any field and keeps the others; refuses an update that breaks the shift order', async () => {
    const other = await createWorkCenter(t);
    const { batch } = await createBatch(t, batchInput(wc.id));
    const updated = await mutate(t, 'updateBatch', 'UpdateBatchInput', { id: batch.id, team: 'Team B', workCenterId: other.id, shiftEnd: '2026-11-20T21:00:00.000Z' }, `batch { ${BATCH_FIELDS} }`);
    expect(updated.errors).toEqual([]);
    expect(updated.batch).toEqual({ ...batch, team: 'Team B', workCenter: { id: other.id, identifier: other.identifier }, shiftEnd: '2026-11-20T21:00:00.000Z' });
    const bad = await mutate(t, 'updateBatch', 'UpdateBatchInput', { id: batch.id, shiftStart: '2026-11-20T22:00:00.000Z' }, 'batch { id }');
    expect(bad).toEqual({ batch: null, errors: [{ code: 'INVALID_SHIFT', message: 'shiftEnd must be after shiftStart', field: ['input', 'shiftStart'] }] });
    const stored = await t.app.services.prisma.batch.findUniqueOrThrow({ where: { id: batch.id } });
    expect(stored.shiftStart.toISOString()).toBe('2026-11-20T08:00:00.000Z');
  });

  it('closes (now, or at a given time), refuses closing twice, reopens, refuses reopening an open batch', async () => {
    const { batch } = await createBatch(t, batchInput(wc.id));
    const t0 = Date.now();
    const closed = await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { closed closedAt }');
    expect(closed.batch.closed).toBe(true);
    expect(Math.abs(new Date(closed.batch.closedAt).getTime() - t0)).toBeLessThan(10_000);
    const again = await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { id }');
    expect(again.errors.map((e: any) => e.code)).toEqual(['BATCH_ALREADY_CLOSED']);
    const reopened = await mutate(t, 'reopenBatch', 'ReopenBatchInput', { id: batch.id }, 'batch { closed closedAt }');
    expect(reopened).toEqual({ batch: { closed: false, closedAt: null }, errors: [] });
    const reopenAgain = await mutate(t, 'reopenBatch', 'ReopenBatchInput', { id: batch.id }, 'batch { id }');
    expect(reopenAgain.errors.map((e: any) => e.code)).toEqual(['BATCH_NOT_CLOSED']);
    const at = await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id, closedAt: '2026-11-20T20:05:00.000Z' }, 'batch { closedAt }');
    expect(at.batch.closedAt).toBe('2026-11-20T20:05:00.000Z');
  });

  it('deletes only a closed batch, with its units', async () => {
    const { batch } = await createBatch(t, batchInput(wc.id));
    for (const code of ['DEL-1', 'DEL-2']) await mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId: batch.id, code }, 'unit { id }');
    const before = await snapshot(t);
    const open = await mutate(t, 'deleteBatch', 'DeleteBatchInput', { id: batch.id }, 'batch { id }');
    expect(open.errors.map((e: any) => e.code)).toEqual(['BATCH_NOT_CLOSED']);
    expect(await snapshot(t)).toEqual(before);
    await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { id }');
    const deleted = await mutate(t, 'deleteBatch', 'DeleteBatchInput', { id: batch.id }, 'batch { id batchNumber }');
    expect(deleted).toEqual({ batch: { id: batch.id, batchNumber: batch.batchNumber }, errors: [] });
    expect(await snapshot(t)).toEqual({ ...before, batches: before.batches - 1, units: before.units - 2 });
    expect((await t.gql('query($id: ID!) { batch(id: $id) { id } }', { id: batch.id })).data).toEqual({ batch: null });
  });

  it('lists batches newest first when no order is asked for, and in the asked direction otherwise (issue 15)', async () => {
    const wc = await createWorkCenter(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createBatch(t, batchInput(wc.id))).batch.id);
    const list = async (orderBy?: Record<string, unknown>) =>
      (await t.gql(`query($wc: ID!, $o: BatchOrder) { batches(first: 10, filter: { workCenterId: $wc }, orderBy: $o) { edges { node { id } } } }`, { wc: wc.id, o: orderBy })).data.batches.edges.map(
        (e: any) => e.node.id,
      );
    expect(await list()).toEqual([...ids].reverse());
    expect(await list({ field: 'CREATED_AT', direction: 'ASC' })).toEqual(ids);
    expect(await list({ field: 'CREATED_AT', direction: 'DESC' })).toEqual([...ids].reverse());
  });

  it('reports an unknown or malformed id as a typed error', async () => {
    const unknown = await mutate(t, 'closeBatch', 'CloseBatchInput', { id: '00000000-0000-4000-8000-000000000000' }, 'batch { id }');
    expect(unknown.errors).toEqual([{ code: 'NOT_FOUND', message: 'No batch with id 00000000-0000-4000-8000-000000000000', field: ['input', 'id'] }]);
    const malformed = await mutate(t, 'deleteBatch', 'DeleteBatchInput', { id: 'nope' }, 'batch { id }');
    expect(malformed.errors).toEqual([{ code: 'VALIDATION', message: 'must be a valid id', field: ['input', 'id'] }]);
  });
});

describe('work centers', () => {
  it('creates, renames, lists by identifier, refuses duplicates, and deletes only when unused', async () => {
    const a = await createWorkCenter(t, 'WC-ALPHA');
    const dup = await mutate(t, 'createWorkCenter', 'CreateWorkCenterInput', { identifier: 'WC-ALPHA', name: 'x' }, 'workCenter { id }');
    expect(dup.errors.map((e: any) => e.code)).toEqual(['DUPLICATE_IDENTIFIER']);
    const renamed = await mutate(t, 'updateWorkCenter', 'UpdateWorkCenterInput', { id: a.id, name: 'Alpha line' }, 'workCenter { identifier name }');
    expect(renamed).toEqual({ workCenter: { identifier: 'WC-ALPHA', name: 'Alpha line' }, errors: [] });
    const list = await t.gql('{ workCenters(filter: { identifier: "WC-ALPHA" }) { totalCount edges { node { id name } } } }');
    expect(list.data.workCenters).toEqual({ totalCount: 1, edges: [{ node: { id: a.id, name: 'Alpha line' } }] });

    await createBatch(t, batchInput(a.id));
    const inUse = await mutate(t, 'deleteWorkCenter', 'DeleteWorkCenterInput', { id: a.id }, 'workCenter { id }');
    expect(inUse.errors.map((e: any) => e.code)).toEqual(['WORK_CENTER_IN_USE']);
    const b = await createWorkCenter(t, 'WC-BETA');
    const deleted = await mutate(t, 'deleteWorkCenter', 'DeleteWorkCenterInput', { id: b.id }, 'workCenter { identifier }');
    expect(deleted).toEqual({ workCenter: { identifier: 'WC-BETA' }, errors: [] });
    expect((await t.gql('query($id: ID!) { workCenter(id: $id) { id } }', { id: b.id })).data).toEqual({ workCenter: null });
  });
});
