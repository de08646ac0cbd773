import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { cmp, walkConnection } from '../helpers/paging.js';

// units and workCenters take an orderBy as batches do: a column and a direction, ties broken by id
// in the same direction, so a walk over several pages serves each row once in the asked order.
let t: TestApp;
type UnitRow = { id: string; code: string; createdAt: string; aggregated: boolean; aggregatedAt: string | null };
type CenterRow = { id: string; identifier: string; name: string; createdAt: string; updatedAt: string };
let units: UnitRow[] = [];
let centers: CenterRow[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  const base = Date.UTC(2026, 10, 1);
  // 150 centers: names repeat (ties broken by id), creation times repeat in threes.
  await prisma.workCenter.createMany({
    data: Array.from({ length: 150 }, (_, i) => ({
      identifier: `ORD-${String((i * 53) % 150).padStart(3, '0')}`,
      name: `Line ${i % 7}`,
      createdAt: new Date(base + Math.floor(i / 3) * 60_000),
      updatedAt: new Date(base + ((i * 11) % 40) * 60_000),
    })),
  });
  centers = (await prisma.workCenter.findMany()).map((c) => ({ ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() }));
  const batchCenter = centers[0]!.id;
  const batch = await prisma.batch.create({
    data: {
      taskDescription: 'Sort units',
      shift: 'Day',
      team: 'A',
      batchNumber: 1,
      batchDate: new Date(base),
      nomenclature: 'Item',
      eknCode: 'EKN',
      shiftStart: new Date(base),
      shiftEnd: new Date(base + 3_600_000),
      workCenterId: batchCenter,
    },
  });
  // 250 units: every other one aggregated; creation times tie in fives.
  await prisma.unit.createMany({
    data: Array.from({ length: 250 }, (_, i) => ({
      batchId: batch.id,
      code: `SU-${String((i * 97) % 250).padStart(3, '0')}`,
      createdAt: new Date(base + Math.floor(i / 5) * 1000),
      aggregated: i % 2 === 0,
      aggregatedAt: i % 2 === 0 ? new Date(base + ((i * 7) % 30) * 1000) : null,
    })),
  });
  units = (await prisma.unit.findMany()).map((u) => ({ ...u, createdAt: u.createdAt.toISOString(), aggregatedAt: u.aggregatedAt?.toISOString() ?? null }));
});
afterAll(() => t?.close());

const UNITS = `query($orderBy: UnitOrder, $first: Int, $after: String) {
  units(orderBy: $orderBy, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
const CENTERS = `query($orderBy: WorkCenterOrder, $first: Int, $after: String) {
  workCenters(orderBy: $orderBy, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

/** The expected order: the column (nulls last in both directions), then id, both in the direction asked. */
function expectedOrder<R extends { id: string }>(rows: R[], key: (r: R) => string | number | null, direction: 'ASC' | 'DESC') {
  const sign = direction === 'ASC' ? 1 : -1;
  return [...rows]
    .sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || y === null) return x === y ? sign * cmp(a.id, b.id) : x === null ? 1 : -1;
      return sign * (cmp(x, y) || cmp(a.id, b.id));
    })
    .map((r) => r.id);
}

describe('units orderBy', () => {
  const keys: Record<string, (r: UnitRow) => string | number | null> = {
    CODE: (r) => r.code,
    CREATED_AT: (r) => r.createdAt,
    AGGREGATED: (r) => (r.aggregated ? 1 : 0),
    AGGREGATED_AT: (r) => r.aggregatedAt,
  };

  it('sorts by every field in both directions, each unit once over several pages', async () => {
    const fields = (await t.gql('{ __type(name: "UnitSortField") { enumValues { name } } }')).data.__type?.enumValues.map((v: { name: string }) => v.name);
    expect(fields?.sort()).toEqual(Object.keys(keys).sort());
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const { ids, totalCount } = await walkConnection(t.gql, UNITS, 'units', { orderBy: { field, direction } });
        expect(totalCount).toBe(250);
        expect(ids, `${field} ${direction}`).toEqual(expectedOrder(units, key, direction));
      }
    }
  });

  it('without orderBy stays oldest first; a field without direction sorts ascending', async () => {
    expect((await walkConnection(t.gql, UNITS, 'units', {})).ids).toEqual(expectedOrder(units, keys.CREATED_AT!, 'ASC'));
    expect((await walkConnection(t.gql, UNITS, 'units', { orderBy: { field: 'CODE' } })).ids).toEqual(expectedOrder(units, keys.CODE!, 'ASC'));
  });
});

describe('workCenters orderBy', () => {
  const keys: Record<string, (r: CenterRow) => string | number | null> = {
    IDENTIFIER: (r) => r.identifier,
    NAME: (r) => r.name,
    CREATED_AT: (r) => r.createdAt,
    UPDATED_AT: (r) => r.updatedAt,
  };

  it('sorts by every field in both directions, each work center once over several pages', async () => {
    const fields = (await t.gql('{ __type(name: "WorkCenterSortField") { enumValues { name } } }')).data.__type?.enumValues.map((v: { name: string }) => v.name);
    expect(fields?.sort()).toEqual(Object.keys(keys).sort());
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const { ids, totalCount } = await walkConnection(t.gql, CENTERS, 'workCenters', { orderBy: { field, direction } });
        expect(totalCount).toBe(150);
        expect(ids, `${field} ${direction}`).toEqual(expectedOrder(centers, key, direction));
      }
    }
  });

  it('without orderBy stays by identifier', async () => {
    expect((await walkConnection(t.gql, CENTERS, 'workCenters', {})).ids).toEqual(expectedOrder(centers, keys.IDENTIFIER!, 'ASC'));
  });
});
