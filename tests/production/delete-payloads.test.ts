/**
 * Delete payloads hold what was deleted, with everything a client selects under it (relations and
 * counts too, as Apollo clients ask), never reloaded from a row that is gone (issue 12, finding 6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter, ERRORS, mutate } from '../helpers/production.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('delete payloads', () => {
  it('deleteBatch answers the closed batch as it was: units, counts and work center included', async () => {
    const wc = await createWorkCenter(t);
    const { batch } = await createBatch(t, batchInput(wc.id));
    for (const code of ['DP-1', 'DP-2', 'DP-3']) expect((await mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId: batch.id, code }, 'unit { id }')).errors).toEqual([]);
    await mutate(t, 'aggregateUnit', 'AggregateUnitInput', { batchId: batch.id, code: 'DP-1' }, 'unit { id }');
    await mutate(t, 'closeBatch', 'CloseBatchInput', { id: batch.id }, 'batch { id }');
    const deleted = await mutate(
      t,
      'deleteBatch',
      'DeleteBatchInput',
      { id: batch.id },
      'batch { id batchNumber closed aggregatedUnitCount workCenter { id identifier } units(first: 10) { totalCount edges { node { code aggregated batch { id } } } } }',
    );
    expect(deleted).toEqual({
      batch: {
        id: batch.id,
        batchNumber: batch.batchNumber,
        closed: true,
        aggregatedUnitCount: 1,
        workCenter: { id: wc.id, identifier: wc.identifier },
        units: {
          totalCount: 3,
          edges: ['DP-1', 'DP-2', 'DP-3'].map((code) => ({ node: { code, aggregated: code === 'DP-1', batch: { id: batch.id } } })),
        },
      },
      errors: [],
    });
    expect(await t.app.services.prisma.batch.count({ where: { id: batch.id } })).toBe(0);
  });

  it('deleteWorkCenter answers the work center with its (empty) batches', async () => {
    const wc = await createWorkCenter(t);
    const deleted = await mutate(t, 'deleteWorkCenter', 'DeleteWorkCenterInput', { id: wc.id }, 'workCenter { id identifier batches(first: 5) { totalCount edges { node { id } } } }');
    expect(deleted).toEqual({ workCenter: { id: wc.id, identifier: wc.identifier, batches: { totalCount: 0, edges: [] } }, errors: [] });
  });

  it('removeUnitFromBatch answers the unit with its batch', async () => {
    const wc = await createWorkCenter(t);
    const { batch } = await createBatch(t, batchInput(wc.id));
    await mutate(t, 'addUnitToBatch', 'AddUnitToBatchInput', { batchId: batch.id, code: 'RM-1' }, 'unit { id }');
    const removed = await mutate(t, 'removeUnitFromBatch', 'RemoveUnitFromBatchInput', { batchId: batch.id, code: 'RM-1' }, 'unit { code batch { id units { totalCount } } }');
    // The unit as it was: its batch still counted it.
    expect(removed).toEqual({ unit: { code: 'RM-1', batch: { id: batch.id, units: { totalCount: 1 } } }, errors: [] });
  });

  it('deleteSchedule answers the schedule with its account and last run', async () => {
    const schedule = await t.app.services.prisma.schedule.create({ data: { key: 'custom:delete-payload', kind: 'STATS_REFRESH', intervalSeconds: 600 } });
    const r = dataOf(
      await t.gql(`mutation($i: ScheduleIdInput!) { deleteSchedule(input: $i) { schedule { id key isDefault account { id } lastRun { id } } ${ERRORS} } }`, { i: { id: schedule.id } }),
    ).deleteSchedule;
    expect(r).toEqual({ schedule: { id: schedule.id, key: 'custom:delete-payload', isDefault: false, account: null, lastRun: null }, errors: [] });
  });

  it('deleteWebhook and revokeApiToken answer every field of what they removed', async () => {
    const created = await t.app.services.prisma.webhookSubscription.create({ data: { url: 'https://example.com/hook', secretEncrypted: 'x', events: [] } });
    const r = dataOf(await t.gql(`mutation($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id url events description active retryCount timeoutMs secretRotatedAt createdAt updatedAt } ${ERRORS} } }`, { id: created.id })).deleteWebhook;
    expect(r.errors).toEqual([]);
    expect(r.webhook).toMatchObject({ id: created.id, url: 'https://example.com/hook', events: [] });
    const token = await t.tokenFor('VIEWER');
    const id = (await t.app.services.prisma.apiToken.findFirstOrThrow({ where: { name: 'test VIEWER' } })).id;
    void token;
    const revoked = dataOf(await t.gql(`mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id name role prefix createdAt lastUsedAt expiresAt revokedAt } ${ERRORS} } }`, { id })).revokeApiToken;
    expect(revoked.errors).toEqual([]);
    expect(revoked.apiToken.revokedAt).not.toBeNull();
  });
});
