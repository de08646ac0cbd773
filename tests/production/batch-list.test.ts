import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { cmp, walkConnection } from '../helpers/paging.js';

// 500 batches with known values, so every filter and sort can be checked against a plain
// in-memory computation of the same answer.
let t: TestApp;
type Row = { id: string; batchNumber: number; batchDate: string; shift: string; team: string; closed: boolean; workCenterId: string; identifier: string; shiftStart: string };
let rows: Row[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const prisma = t.app.services.prisma;
  const centers = await Promise.all([0, 1, 2, 3, 4].map((i) => prisma.workCenter.create({ data: { identifier: `LIST-${i}`, name: `List ${i}` } })));
  const data = Array.from({ length: 500 }, (_, i) => {
    const day = 1 + (i % 28);
    const start = new Date(Date.UTC(2026, 9, day, 6 + (i % 7)));
    return {
      taskDescription: `Task ${i}`,
      shift: ['Day', 'Night', 'Evening'][i % 3]!,
      team: `Team ${(i * 7) % 11}`,
      batchNumber: 1000 + ((i * 37) % 500),
      batchDate: new Date(Date.UTC(2026, 9, day)),
      nomenclature: `Item ${i % 13}`,
      eknCode: `EKN-${i % 17}`,
      shiftStart: start,
      shiftEnd: new Date(start.getTime() + 8 * 3600_000),
      workCenterId: centers[i % 5]!.id,
      closed: i % 4 === 0,
      closedAt: i % 4 === 0 ? new Date(start.getTime() + 9 * 3600_000) : null,
    };
  });
  await prisma.batch.createMany({ data });
  const stored = await prisma.batch.findMany({ include: { workCenter: true } });
  rows = stored.map((b) => ({
    id: b.id,
    batchNumber: b.batchNumber,
    batchDate: b.batchDate.toISOString().slice(0, 10),
    shift: b.shift,
    team: b.team,
    closed: b.closed,
    workCenterId: b.workCenterId,
    identifier: b.workCenter.identifier,
    shiftStart: b.shiftStart.toISOString(),
  }));
  // A few units per batch for the N+1 check.
  await prisma.unit.createMany({ data: stored.flatMap((b, i) => Array.from({ length: 3 }, (_, k) => ({ batchId: b.id, code: `LU-${i}-${k}` }))) });
});
afterAll(() => t?.close());

const LIST = `query($filter: BatchFilter, $orderBy: BatchOrder, $first: Int, $after: String) {
  batches(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id batchNumber batchDate shiftStart } }
  } }`;

const walk = (variables: Record<string, unknown>) => walkConnection(t.gql, LIST, 'batches', variables);


describe('batches list', () => {
  it('walks 500 batches in pages of 100: each once, in the requested order', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const { ids, totalCount } = await walk({ orderBy: { field: 'BATCH_NUMBER', direction } });
      expect(totalCount).toBe(500);
      const sign = direction === 'ASC' ? 1 : -1;
      const expected = [...rows].sort((a, b) => sign * (cmp(a.batchNumber, b.batchNumber) || cmp(a.id, b.id))).map((r) => r.id);
      expect(ids).toEqual(expected);
    }
  });

  it('sorts by a non-unique field with a stable tie-break, both directions', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const { ids } = await walk({ orderBy: { field: 'BATCH_DATE', direction } });
      const sign = direction === 'ASC' ? 1 : -1;
      expect(ids).toEqual([...rows].sort((a, b) => sign * (cmp(a.batchDate, b.batchDate) || cmp(a.id, b.id))).map((r) => r.id));
    }
    const { ids } = await walk({ orderBy: { field: 'SHIFT_START', direction: 'DESC' } });
    expect(ids).toEqual([...rows].sort((a, b) => -(cmp(a.shiftStart, b.shiftStart) || cmp(a.id, b.id))).map((r) => r.id));
  });

  it('accepts every sort field in both directions', async () => {
    const fields = (await t.gql('{ __type(name: "BatchSortField") { enumValues { name } } }')).data.__type.enumValues.map((v: any) => v.name);
    expect(fields.length).toBeGreaterThanOrEqual(13);
    for (const field of fields) {
      for (const direction of ['ASC', 'DESC']) {
        const r = await t.gql(LIST, { orderBy: { field, direction }, first: 5 });
        expect(r.errors, `${field} ${direction}`).toBeUndefined();
        expect(r.data.batches.edges).toHaveLength(5);
      }
    }
  });

  it('filters by closed, number, date, date range, work center and shift', async () => {
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ closed: true }, (r) => r.closed],
      [{ closed: false, shift: 'Night' }, (r) => !r.closed && r.shift === 'Night'],
      [{ batchNumber: rows[10]!.batchNumber }, (r) => r.batchNumber === rows[10]!.batchNumber],
      [{ batchDate: '2026-10-05' }, (r) => r.batchDate === '2026-10-05'],
      [{ batchDateFrom: '2026-10-10', batchDateTo: '2026-10-12' }, (r) => r.batchDate >= '2026-10-10' && r.batchDate <= '2026-10-12'],
      [{ workCenterId: rows[0]!.workCenterId }, (r) => r.workCenterId === rows[0]!.workCenterId],
      [{ workCenterIdentifier: 'LIST-3', closed: true }, (r) => r.identifier === 'LIST-3' && r.closed],
    ];
    for (const [filter, predicate] of cases) {
      const { ids, totalCount } = await walk({ filter, orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
      const expected = rows.filter(predicate).map((r) => r.id).sort();
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
      expect([...ids].sort(), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('caps a page at 100', async () => {
    const r = await t.gql(LIST, { first: 1000 });
    expect(r.data.batches.edges).toHaveLength(100);
    expect(r.data.batches.pageInfo.hasNextPage).toBe(true);
  });

  it('loads a page with work centers and units in a constant number of SQL statements', async () => {
    const q = `query($first: Int) { batches(first: $first) { totalCount edges { node { id workCenter { identifier name }
      units(first: 10) { totalCount edges { node { code aggregated } } } } } } }`;
    const counts: number[] = [];
    for (const first of [5, 50, 100]) {
      t.resetQueries();
      const r = await t.gql(q, { first });
      expect(r.errors).toBeUndefined();
      expect(r.data.batches.edges).toHaveLength(first);
      expect(r.data.batches.edges[0].node.units.totalCount).toBe(3);
      // Token lookup and touch statements are not part of the page; count only batch/unit/work-center reads.
      counts.push(t.queries.filter((sql) => /"(Batch|Unit|WorkCenter)"/.test(sql)).length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});
