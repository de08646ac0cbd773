/**
 * `tasks`: every background task still kept, newest first, paged as a Relay connection and
 * filtered by kinds and statuses; readable by whoever may read `task(id)` (any signed-in role),
 * refused without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

const LIST = `query($filter: TaskFilter, $first: Int, $after: String) {
  tasks(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind status percent createdBy } } }
}`;

describe('tasks (the list of background tasks)', () => {
  let t: TestApp;
  /** Ids by name, oldest first: a0 … a5. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // No runner: the seeded tasks keep the statuses given here.
    t = await startTestApp({}, { taskRunner: false });
    const seeds = [
      { name: 'a0', kind: 'exportBatches', status: 'SUCCESS' },
      { name: 'a1', kind: 'importBatches', status: 'FAILURE' },
      { name: 'a2', kind: 'exportProducts', status: 'PROGRESS' },
      { name: 'a3', kind: 'exportBatches', status: 'PENDING' },
      { name: 'a4', kind: 'generateBatchReport', status: 'SUCCESS' },
      { name: 'a5', kind: 'exportBatches', status: 'SUCCESS' },
    ] as const;
    for (const [i, seed] of seeds.entries()) {
      const task = await t.app.services.prisma.backgroundTask.create({
        data: { kind: seed.kind, status: seed.status, input: {}, createdBy: 'ADMIN:test', createdAt: new Date(Date.UTC(2026, 11, 6, 10, i)), progressCurrent: 1, progressTotal: 4 },
      });
      ids[seed.name] = task.id;
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const names = (page: { edges: { node: { id: string } }[] }) => page.edges.map(({ node }) => Object.entries(ids).find(([, id]) => id === node.id)?.[0]);

  it('lists every task newest first, page after page, with the total', async () => {
    const first = dataOf(await t.gql(LIST, { first: 4 })).tasks;
    expect(names(first)).toEqual(['a5', 'a4', 'a3', 'a2']);
    expect(first.totalCount).toBe(6);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges[2].node).toEqual({ id: ids.a3, kind: 'exportBatches', status: 'PENDING', percent: 25, createdBy: 'ADMIN:test' });

    const second = dataOf(await t.gql(LIST, { first: 4, after: first.pageInfo.endCursor })).tasks;
    expect(names(second)).toEqual(['a1', 'a0']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps the tasks of the given kinds and statuses; an empty list matches none', async () => {
    const exports = dataOf(await t.gql(LIST, { filter: { kinds: ['exportBatches', 'exportProducts'] } })).tasks;
    expect(names(exports)).toEqual(['a5', 'a3', 'a2', 'a0']);
    expect(exports.totalCount).toBe(4);

    const finishedExports = dataOf(await t.gql(LIST, { filter: { kinds: ['exportBatches'], statuses: ['SUCCESS', 'FAILURE'] } })).tasks;
    expect(names(finishedExports)).toEqual(['a5', 'a0']);

    const none = dataOf(await t.gql(LIST, { filter: { statuses: [] } })).tasks;
    expect(none).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('shows a VIEWER the same tasks as task(id) does, and refuses a caller without a token', async () => {
    const viewer = await t.tokenFor('VIEWER');
    expect(names(dataOf(await t.gql(LIST, { first: 2 }, viewer)).tasks)).toEqual(['a5', 'a4']);
    expect(dataOf(await t.gql('query($id: ID!) { task(id: $id) { id } }', { id: ids.a5 }, viewer)).task).toEqual({ id: ids.a5 });

    const anonymous = await t.gql(LIST, { first: 2 }, null);
    expect(anonymous.data?.tasks ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
