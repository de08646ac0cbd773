import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { readBatchPage } from '../../src/modules/production/batch-page.read.js';
import { batchListOrder, batchWhere } from '../../src/modules/production/batch.filters.js';

// Issue 17 item 2: the batch page (batches with their work center and a page of units, with
// counts) is read in a constant, small number of statements, and answers exactly what it
// answered when Prisma loaded every relation itself.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  const centers = await Promise.all([0, 1, 2].map((i) => prisma.workCenter.create({ data: { identifier: `READ-${i}`, name: `Read ${i}` } })));
  await prisma.batch.createMany({
    data: Array.from({ length: 120 }, (_, i) => {
      const start = new Date(Date.UTC(2026, 2, 1 + (i % 20), 6, 0, 0, i));
      return {
        taskDescription: `Task ${i}`,
        shift: ['Day', 'Night'][i % 2]!,
        team: `Team ${i % 5}`,
        batchNumber: 1 + Math.floor(i / 20),
        batchDate: new Date(Date.UTC(2026, 2, 1 + (i % 20))),
        nomenclature: `Item ${i % 7}`,
        eknCode: `EKN-${i % 3}`,
        shiftStart: start,
        shiftEnd: new Date(start.getTime() + 8 * 3600_000 + 123),
        workCenterId: centers[i % 3]!.id,
        closed: i % 4 === 0,
        closedAt: i % 4 === 0 ? new Date(start.getTime() + 9 * 3600_000 + 7) : null,
      };
    }),
  });
  const batches = await prisma.batch.findMany({ orderBy: { id: 'asc' } });
  // 0 to 13 units per batch (some batches have none, some more than a page of 10), a third aggregated.
  await prisma.unit.createMany({
    data: batches.flatMap((b, i) =>
      Array.from({ length: i % 14 }, (_, k) => ({
        batchId: b.id,
        code: `RD-${i}-${k}`,
        createdAt: new Date(Date.UTC(2026, 3, 1, 0, 0, 0, (i * 7 + k * 13) % 50)),
        aggregated: k % 3 === 0,
        aggregatedAt: k % 3 === 0 ? new Date(Date.UTC(2026, 3, 2, 0, 0, 0, k)) : null,
      })),
    ),
  });
});
afterAll(() => t?.close());

const PAGE = `query($first: Int, $after: String, $filter: BatchFilter, $orderBy: BatchOrder) {
  batches(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { node { id batchNumber batchDate workCenter { identifier } units(first: 10) { totalCount edges { node { code } } } } }
  } }`;

const productionReads = (queries: string[]) => queries.filter((sql) => /"(Batch|Unit|WorkCenter)"/.test(sql));

describe('batch page read path', () => {
  it('reads a page of batches with work centers, units and counts in at most 3 statements, whatever the page size', async () => {
    for (const first of [1, 30, 100]) {
      t.resetQueries();
      const r = await t.gql(PAGE, { first, orderBy: { field: 'BATCH_DATE', direction: 'DESC' } });
      expect(r.errors).toBeUndefined();
      expect(r.data.batches.edges).toHaveLength(first);
      expect(productionReads(t.queries).length, t.queries.join('\n')).toBeLessThanOrEqual(3);
    }
  });

  it('reads a page of units with their batches and work centers in at most 2 statements', async () => {
    for (const first of [5, 100]) {
      t.resetQueries();
      const r = await t.gql(`query($first: Int) { units(first: $first) { totalCount edges { node { code batch { batchNumber workCenter { identifier } } } } } }`, { first });
      expect(r.errors).toBeUndefined();
      expect(r.data.units.edges).toHaveLength(first);
      expect(productionReads(t.queries).length, t.queries.join('\n')).toBeLessThanOrEqual(2);
    }
  });

  it('reads work centers with a page of their batches and those batches\' units in at most 2 statements', async () => {
    t.resetQueries();
    const r = await t.gql(`{ workCenters(first: 10) { totalCount edges { node { identifier batches(first: 5) { totalCount edges { node { batchNumber units(first: 3) { edges { node { code } } } } } } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.workCenters.edges).toHaveLength(3);
    expect(r.data.workCenters.edges[0].node.batches.edges).toHaveLength(5);
    expect(productionReads(t.queries).length, t.queries.join('\n')).toBeLessThanOrEqual(2);
  });

  it('answers a plan the read path leaves to Prisma (a relation below units) in one statement, the same page', async () => {
    const order = { field: 'BATCH_DATE', direction: 'DESC' };
    const plain = await t.gql(PAGE, { first: 20, orderBy: order });
    t.resetQueries();
    const r = await t.gql(
      `query($orderBy: BatchOrder) { batches(first: 20, orderBy: $orderBy) { edges { node { id batchNumber units(first: 10) { edges { node { code batch { batchNumber } } } } } } } }`,
      { orderBy: order },
    );
    expect(r.errors).toBeUndefined();
    expect(productionReads(t.queries)).toHaveLength(1);
    const edges = r.data.batches.edges as Array<{ node: { id: string; batchNumber: number; units: { edges: Array<{ node: { code: string; batch: { batchNumber: number } } }> } } }>;
    expect(edges.map((e) => e.node.id)).toEqual(plain.data.batches.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(edges.map((e) => e.node.units.edges.map((u) => u.node.code))).toEqual(
      plain.data.batches.edges.map((e: { node: { units: { edges: Array<{ node: { code: string } }> } } }) => e.node.units.edges.map((u) => u.node.code)),
    );
    expect(edges.flatMap((e) => e.node.units.edges.map((u) => u.node.batch.batchNumber === e.node.batchNumber)).every(Boolean)).toBe(true);
  });

  it('reads only the columns the document asks for, and the units with their count in one pass', async () => {
    t.resetQueries();
    const r = await t.gql(PAGE, { first: 100, orderBy: { field: 'BATCH_DATE', direction: 'DESC' } });
    expect(r.errors).toBeUndefined();
    const page = t.queries.find((sql) => sql.includes('json_agg'));
    expect(page, t.queries.join('\n')).toBeDefined();
    // Not selected: read before for every row (26 columns, 5 asked for), dates converted twice.
    for (const column of ['taskDescription', 'nomenclature', 'shiftStart', 'updatedAt', 'aggregatedAt', '"name"']) expect(page).not.toContain(column);
    expect(page!.match(/"Unit"/g), page).toHaveLength(1);
  });

  it('answers every field alike whether the page is read here or by Prisma', async () => {
    const fields = `id taskDescription shift team batchNumber batchDate nomenclature eknCode shiftStart shiftEnd closed closedAt createdAt updatedAt aggregatedUnitCount
      workCenter { id identifier name createdAt updatedAt }`;
    const unitFields = 'id code aggregated aggregatedAt createdAt';
    const query = (below: string) => `query($orderBy: BatchOrder, $aggregated: Boolean) { batches(first: 60, orderBy: $orderBy) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ${fields} units(first: 4, aggregated: $aggregated) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${unitFields} ${below} } } } } } } }`;
    for (const aggregated of [null, true, false]) {
      const variables = { orderBy: { field: 'CLOSED_AT', direction: 'DESC' }, aggregated };
      t.resetQueries();
      const here = await t.gql(query(''), variables);
      expect(t.queries.some((sql) => sql.includes('json_agg'))).toBe(true);
      // A relation below units is a plan this path leaves to Prisma.
      const prisma = await t.gql(query('batch { id }'), variables);
      expect(here.errors ?? prisma.errors).toBeUndefined();
      for (const edge of prisma.data.batches.edges) for (const unit of edge.node.units.edges) delete unit.node.batch;
      expect(here.data).toEqual(prisma.data);
    }
  });

  it('sends no count statement when totalCount is not asked for', async () => {
    t.resetQueries();
    const r = await t.gql(`{ batches(first: 50) { edges { node { id units(first: 2) { edges { node { code } } } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(t.queries.filter((sql) => /COUNT\(/i.test(sql))).toEqual([]);
  });
});

// What Pothos plans for the Batch fields of a page, as readBatchPage receives it.
const units = (where: { aggregated?: boolean }, take: number, skip = 0) => ({ where, orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }], take, skip });
const plans: Array<[string, Record<string, unknown>]> = [
  ['batch columns only', { take: 21, skip: 0 }],
  ['work center', { include: { workCenter: true }, take: 101, skip: 0 }],
  ['the bench page', { include: { workCenter: true, units: units({}, 11), _count: { select: { units: { where: {} } } } }, take: 101, skip: 0 }],
  ['aggregated units, counted alike', { include: { units: units({ aggregated: true }, 3), _count: { select: { units: { where: { aggregated: true } } } } }, take: 50, skip: 0 }],
  ['other units, second unit page', { include: { units: units({ aggregated: false }, 4, 4), _count: { select: { units: true } } }, take: 50, skip: 2 }],
  ['no units asked', { include: { units: units({}, 0) }, take: 5, skip: 0 }],
];

describe('readBatchPage', () => {
  it.each(plans)('answers exactly what Prisma answers: %s', async (_name, plan) => {
    const prisma = t.app.services.prisma;
    const orders = [batchListOrder({ field: 'BATCH_DATE', direction: 'DESC' }), batchListOrder({ field: 'CLOSED_AT', direction: 'ASC' }), batchListOrder(null)];
    const wheres = [{}, batchWhere({ closed: true }), batchWhere({ workCenterIdentifier: 'READ-1', nomenclature: 'item 3' })];
    for (const orderBy of orders) {
      for (const where of wheres) {
        const expected = await prisma.batch.findMany({ ...plan, where, orderBy });
        expect(expected.length).toBeGreaterThan(0);
        expect(await readBatchPage(prisma, plan, { where, orderBy })).toEqual(expected);
      }
    }
  });

  it.each(plans)('with the selected field names, answers those columns of what Prisma answers: %s', async (_name, plan) => {
    const prisma = t.app.services.prisma;
    const fields = new Set(['batchNumber', 'closedAt', 'identifier', 'code', 'aggregatedAt', 'edges', 'node']);
    const pickOf = (row: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]]));
    const orderBy = batchListOrder({ field: 'CLOSED_AT', direction: 'ASC' });
    const expected = (await prisma.batch.findMany({ ...plan, where: {}, orderBy })).map((row) => {
      const r = row as Record<string, unknown> & { workCenter?: Record<string, unknown>; units?: Record<string, unknown>[] };
      return {
        ...pickOf(r, ['id', 'batchNumber', 'closedAt', '_count']),
        ...(r.workCenter ? { workCenter: pickOf(r.workCenter, ['id', 'identifier']) } : {}),
        ...(r.units ? { units: r.units.map((u) => pickOf(u, ['id', 'code', 'aggregatedAt'])) } : {}),
      };
    });
    expect(await readBatchPage(prisma, plan, { where: {}, orderBy }, fields)).toEqual(expected);
  });

  it('continues after a cursor as Prisma does', async () => {
    const prisma = t.app.services.prisma;
    const orderBy = batchListOrder({ field: 'TEAM', direction: 'ASC' });
    const first = await prisma.batch.findMany({ orderBy, take: 40, select: { id: true } });
    const plan = { include: { workCenter: true, units: units({}, 11) }, take: 30, skip: 1, cursor: { id: first[39]!.id } };
    const expected = await prisma.batch.findMany({ ...plan, where: {}, orderBy });
    expect(expected).toHaveLength(30);
    expect(await readBatchPage(prisma, plan, { where: {}, orderBy })).toEqual(expected);
  });

  it('leaves to Prisma a plan it does not read (null)', async () => {
    const prisma = t.app.services.prisma;
    const list = { where: {}, orderBy: batchListOrder(null) };
    expect(await readBatchPage(prisma, { include: { units: { ...units({}, 3), include: { batch: true } } }, take: 5 }, list)).toBeNull();
    expect(await readBatchPage(prisma, { include: { units: { ...units({}, 3), cursor: { id: 'x' } } }, take: 5 }, list)).toBeNull();
    expect(await readBatchPage(prisma, { select: { id: true }, take: 5 }, list)).toBeNull();
    expect(await readBatchPage(prisma, { include: { workCenter: { include: { batches: true } } }, take: 5 }, list)).toBeNull();
  });
});
