import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { readBatchPage } from '../../src/modules/production/batch-page.read.js';
import { batchListOrder, batchWhere, type BatchFilter } from '../../src/modules/production/batch.filters.js';
import { batchWhereSql, orderKeys, SqlParams } from '../../src/modules/production/batch-list.sql.js';
import { schema } from '../../src/graphql/schema.js';
import { RawJson } from '../../src/graphql/prebuilt-fields.js';
import { disposeWsClients, openWsClient } from '../helpers/ws-client.js';

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
afterAll(async () => {
  await disposeWsClients();
  await t?.close();
});

const PAGE_VARIABLES = '($first: Int, $after: String, $filter: BatchFilter, $orderBy: BatchOrder)';
const PAGE_BODY = `batches(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { node { id batchNumber batchDate workCenter { identifier } units(first: 10) { totalCount edges { node { code } } } } }
  }`;
const PAGE = `query${PAGE_VARIABLES} { ${PAGE_BODY} }`;

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
    // Through graphql-js (`... on Query` is left alone by the short-cut below), which reads the page with readBatchPage.
    const r = await t.gql(`query${PAGE_VARIABLES} { ... on Query { ${PAGE_BODY} } }`, { first: 100, orderBy: { field: 'BATCH_DATE', direction: 'DESC' } });
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

// The whole page answered by PostgreSQL (src/graphql/prebuilt-fields.ts): every shape it covers
// answers exactly what graphql-js answers over the read path below it (and that one what Prisma answers, above).
const PREBUILT = '/* batches: prebuilt page */';
const ALL_BATCH = `__typename id taskDescription shift team batchNumber batchDate nomenclature eknCode shiftStart shiftEnd closed closedAt createdAt updatedAt
  workCenter { __typename id identifier name createdAt updatedAt }`;
const ALL_UNIT = '__typename id code aggregated aggregatedAt createdAt';
const PAGE_INFO = '__typename hasNextPage hasPreviousPage startCursor endCursor';

describe('batch page answered whole by PostgreSQL', () => {
  /**
   * The operation `query<vars> { <body> }` answered by the short-cut, and by graphql-js as before:
   * the same root fields inside `... on Query { }`, which the short-cut leaves alone.
   */
  async function both(vars: string, body: string, variables: Record<string, unknown> = {}, token?: string | null, fragments = '') {
    t.resetQueries();
    const prebuilt = await t.gql(`query${vars} { ${body} } ${fragments}`, variables, token);
    const used = t.queries.some((sql) => sql.includes(PREBUILT));
    t.resetQueries();
    const normal = await t.gql(`query${vars} { ... on Query { ${body} } } ${fragments}`, variables, token);
    expect(t.queries.some((sql) => sql.includes(PREBUILT))).toBe(false);
    return { prebuilt, normal, used };
  }
  /** An answer with its errors' locations left out (the `... on Query` wrapper moves them). */
  const located = (r: { errors?: Array<Record<string, unknown>> }) => ({ ...r, errors: r.errors?.map(({ locations: _, ...rest }) => rest) });
  /** Same answer, same JSON text (key order included), and the short-cut statement ran. */
  async function same(vars: string, body: string, variables: Record<string, unknown> = {}, fragments = '') {
    const { prebuilt, normal, used } = await both(vars, body, variables, undefined, fragments);
    expect(prebuilt.errors ?? normal.errors).toBeUndefined();
    expect(JSON.stringify(prebuilt.data)).toEqual(JSON.stringify(normal.data));
    return { data: prebuilt.data, used };
  }

  it('answers the bench page whole, as graphql-js does', async () => {
    const body = 'batches(first: $first, orderBy: $orderBy) { totalCount edges { node { id batchNumber batchDate workCenter { identifier } units(first: 10) { totalCount edges { node { code } } } } } }';
    const { used } = await same('($first: Int, $orderBy: BatchOrder)', body, {
      first: 100,
      orderBy: { field: 'BATCH_DATE', direction: 'DESC' },
    });
    expect(used).toBe(true);
  });

  it('answers every column, cursor, pageInfo and __typename at every level, for each unit filter and order', async () => {
    const body = `batches(first: 40, orderBy: $orderBy) { __typename totalCount pageInfo { ${PAGE_INFO} }
      edges { __typename cursor node { ${ALL_BATCH} units(first: 4, aggregated: $aggregated) { __typename totalCount pageInfo { ${PAGE_INFO} } edges { __typename cursor node { ${ALL_UNIT} } } } } } }`;
    for (const orderBy of [{ field: 'CLOSED_AT', direction: 'DESC' }, { field: 'TEAM', direction: 'ASC' }, { field: 'SHIFT_START', direction: 'ASC' }, null]) {
      for (const aggregated of [null, true, false]) {
        const { data, used } = await same('($orderBy: BatchOrder, $aggregated: Boolean)', body, { orderBy, aggregated });
        expect(used).toBe(true);
        expect(data.batches.edges).toHaveLength(40);
      }
    }
    // And what Prisma answers itself (a relation below units is left to it), without that relation.
    const prisma = await t.gql(`query { batches(first: 40) { edges { node { ${ALL_BATCH} units(first: 4) { edges { node { ${ALL_UNIT} batch { id } } } } } } } }`);
    const here = await t.gql(`query { batches(first: 40) { edges { node { ${ALL_BATCH} units(first: 4) { edges { node { ${ALL_UNIT} } } } } } } }`);
    for (const edge of prisma.data.batches.edges) for (const unit of edge.node.units.edges) delete unit.node.batch;
    expect(here.data).toEqual(prisma.data);
  });

  it('answers aliases, fragments, merged fields and @include/@skip as graphql-js does', async () => {
    const fragments = `
      fragment Unit on Unit { c: code aggregated }
      fragment BatchBits on Batch { id wc: workCenter { identifier } ... on Batch { batchDate wc: workCenter { name } } }
      fragment Page on QueryBatchesConnection { total: totalCount info: pageInfo { end: endCursor more: hasNextPage } }`;
    const body = `
      first: batches(first: 7, orderBy: { field: BATCH_NUMBER, direction: DESC }) { ...Page items: edges { at: cursor b: node { ...BatchBits id n: batchNumber
        one: units(first: 1) { t: totalCount e: edges { n: node { ...Unit } } }
        three: units(first: 3, aggregated: true) { e: edges { n: node { ...Unit id @include(if: $withIds) } } p: pageInfo { s: startCursor e: endCursor } }
        closedAt @skip(if: $withIds) } } }
      second: batches(first: 2, filter: { closed: true }) { edges { node { __typename id } } }
      __typename`;
    for (const withIds of [true, false]) {
      const { data, used } = await same('($withIds: Boolean!)', body, { withIds }, fragments);
      expect(used).toBe(true);
      expect(Object.keys(data)).toEqual(['first', 'second', '__typename']);
      // Any batch of the page may have no aggregated unit (ties on batchNumber fall to random uuids): look at all of them.
      const aggregated = data.first.items.flatMap((item: { b: { three: { e: Array<{ n: Record<string, unknown> }> } } }) => item.b.three.e);
      expect(aggregated.length).toBeGreaterThan(0);
      expect(aggregated.every((u: { n: Record<string, unknown> }) => ('id' in u.n) === withIds)).toBe(true);
    }
  });

  it('pages on with after as graphql-js does, and each path takes the other one\'s cursors', async () => {
    const body = 'batches(first: 25, after: $after, orderBy: { field: TEAM, direction: ASC }, filter: $filter) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id team } } }';
    for (const filter of [null, { closed: false }, { workCenterIdentifier: 'READ-2', nomenclature: 'item' }]) {
      let after: string | null = null;
      const seen: string[] = [];
      for (let page = 0; page < 6; page++) {
        const { data, used } = await same('($after: String, $filter: BatchFilter)', body, { after, filter });
        expect(used).toBe(data.batches.edges.length > 0);
        seen.push(...data.batches.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!data.batches.pageInfo.hasNextPage) break;
        after = data.batches.pageInfo.endCursor;
      }
      const all = await t.gql('query($filter: BatchFilter) { batches(first: 100, orderBy: { field: TEAM, direction: ASC }, filter: $filter) { totalCount edges { node { id } } } }', { filter });
      expect(seen).toHaveLength(all.data.batches.totalCount);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 100)).toEqual(all.data.batches.edges.map((e: { node: { id: string } }) => e.node.id));
    }
    // A cursor of the short-cut continues Prisma's read path (a units relation below makes it Prisma's), and the other way round.
    const first = await t.gql('{ batches(first: 3) { edges { cursor node { id } } } }');
    const viaPrisma = await t.gql('query($after: String) { batches(first: 2, after: $after) { edges { node { id units(first: 1) { edges { node { batch { id } } } } } } } }', { after: first.data.batches.edges[2].cursor });
    const viaShortcut = await t.gql('query($after: String) { batches(first: 2, after: $after) { edges { node { id } } } }', { after: first.data.batches.edges[2].cursor });
    expect(viaShortcut.data.batches.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(viaPrisma.data.batches.edges.map((e: { node: { id: string } }) => e.node.id));
  });

  it('answers page sizes at the edges alike: none, cut to 100, default, units none or over 100', async () => {
    const body = `batches(first: $first) { totalCount pageInfo { ${PAGE_INFO} } edges { cursor node { id
      none: units(first: 0) { totalCount pageInfo { ${PAGE_INFO} } edges { cursor } }
      byDefault: units { totalCount pageInfo { ${PAGE_INFO} } edges { node { code } } } } } }`;
    for (const first of [0, 1, 150, null]) await same('($first: Int)', body, { first });
    await same('', 'batches(first: 5) { edges { node { id many: units(first: 150) { totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } } }');
    await same('', 'batches(first: 5, filter: { nomenclature: "nothing like this" }) { totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { id } } }');
    await same('', 'batches { totalCount }');
    await same('', 'batches(first: 3) { pageInfo { hasNextPage endCursor } }');
  });

  it('answers a units selection with nothing to count (only __typename, hasPreviousPage) for batches with no, one and many units', async () => {
    const body = `batches(first: 30, orderBy: { field: BATCH_NUMBER, direction: ASC }) { edges { node { id
      kind: units(first: 2) { __typename }
      info: units(first: 3, aggregated: true) { pageInfo { __typename hasPreviousPage } } } } }`;
    const { data, used } = await same('', body);
    expect(used).toBe(true);
    expect(data.batches.edges).toHaveLength(30);
  });

  it('leaves to graphql-js a selection it does not cover, with the same answer', async () => {
    for (const body of [
      'batches(first: 5) { edges { node { id aggregatedUnitCount } } }',
      'batches(first: 5) { edges { node { id units(first: 2) { edges { node { code batch { batchNumber } } } } } } }',
      'batches(last: 5) { edges { node { id } } }',
    ]) {
      const { prebuilt, normal, used } = await both('', body);
      expect(used).toBe(false);
      expect(prebuilt).toEqual(normal);
    }
    const cursor = (await t.gql('{ batches(first: 1) { edges { node { units(first: 1) { pageInfo { endCursor } } } } } }')).data.batches.edges[0].node.units.pageInfo.endCursor;
    const { prebuilt, normal, used } = await both('($c: String)', 'batches(first: 5) { edges { node { id units(first: 2, after: $c) { edges { node { code } } } } } }', { c: cursor });
    expect(used).toBe(false);
    expect(prebuilt).toEqual(normal);
  });

  it('writes the bench page in one statement, the page\'s ids and its count included, on every page', async () => {
    const variables = { first: 100, orderBy: { field: 'BATCH_DATE', direction: 'DESC' } };
    t.resetQueries();
    const first = await t.gql(`query${PAGE_VARIABLES} { ${PAGE_BODY.replace('totalCount', 'totalCount pageInfo { endCursor }')} }`, variables);
    expect(first.errors).toBeUndefined();
    expect(productionReads(t.queries)).toEqual([expect.stringContaining(PREBUILT)]);
    t.resetQueries();
    const second = await t.gql(PAGE, { ...variables, after: first.data.batches.pageInfo.endCursor });
    expect(second.errors).toBeUndefined();
    expect(second.data.batches.edges).toHaveLength(20);
    expect(productionReads(t.queries)).toEqual([expect.stringContaining(PREBUILT)]);
  });

  it('chooses and counts the rows of every filter and order as graphql-js does, on the first page and after a cursor', async () => {
    const prisma = t.app.services.prisma;
    const center = await prisma.workCenter.findUniqueOrThrow({ where: { identifier: 'READ-1' } });
    const body = 'batches(first: 7, after: $after, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }';
    const vars = '($after: String, $filter: BatchFilter, $orderBy: BatchOrder)';
    const filters = [
      { closed: true }, { closed: false, shift: 'Night' }, { batchNumber: 3 }, { batchDate: '2026-03-05' }, { batchDateFrom: '2026-03-03', batchDateTo: '2026-03-09' },
      { batchDateFrom: '2026-03-15' }, { batchDateTo: '2026-03-02' }, { batchDate: '2026-03-04', batchDateFrom: '2026-03-10' }, { workCenterId: center.id },
      { workCenterIdentifier: 'READ-0', team: 'Team 3' }, { workCenterIdentifier: 'nowhere' }, { nomenclature: 'ITEM 1' }, { nomenclature: 'it_m' }, { nomenclature: '%' }, { nomenclature: '5%' },
    ];
    const pages = async (filter: object | null, orderBy: object | null) => {
      const first = await same(vars, body, { filter, orderBy, after: null });
      expect(first.used).toBe(true);
      const after = first.data.batches.pageInfo.endCursor;
      return after ? same(vars, body, { filter, orderBy, after }) : null;
    };
    for (const filter of filters) {
      const second = await pages(filter, { field: 'TEAM', direction: 'DESC' });
      if (second) expect(second.used).toBe(true);
    }
    for (const field of ['BATCH_NUMBER', 'BATCH_DATE', 'TASK_DESCRIPTION', 'SHIFT', 'TEAM', 'NOMENCLATURE', 'EKN_CODE', 'SHIFT_START', 'SHIFT_END', 'CLOSED', 'CLOSED_AT', 'CREATED_AT', 'UPDATED_AT']) {
      for (const direction of ['ASC', 'DESC']) {
        const second = await pages({ closed: false }, { field, direction });
        // After a cursor on a nullable column Prisma compares in its own way: that page stays Prisma's.
        expect(second?.used).toBe(field !== 'CLOSED_AT');
      }
    }
  });

  it('leaves to Prisma a filter condition or an order the SQL does not know, rather than dropping it', () => {
    expect(batchWhereSql({ team: 'Team 1' }, 'b', new SqlParams())).toContain('"team"');
    expect(batchWhereSql({ team: 'Team 1', madeBy: 'someone' } as BatchFilter, 'b', new SqlParams())).toBeNull();
    expect(orderKeys([{ team: 'asc' }, { id: 'asc' }])).toHaveLength(2);
    expect(orderKeys([{ workCenter: { identifier: 'asc' } }, { id: 'asc' }])).toBeNull();
  });

  it('answers a cursor whose batch is gone and a work center id that is no UUID as graphql-js does', async () => {
    const gone = Buffer.from(`GPC:S:${randomUUID()}`).toString('base64');
    const body = 'batches(first: 5, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id } } }';
    const { prebuilt, normal, used } = await both('($after: String, $filter: BatchFilter)', body, { after: gone, filter: null });
    expect(used).toBe(true);
    expect(prebuilt).toEqual(normal);
    expect(prebuilt.data.batches.edges).toEqual([]);
    const notUuid = await both('($after: String, $filter: BatchFilter)', body, { after: null, filter: { workCenterId: 'not-a-uuid' } });
    expect(notUuid.used).toBe(false);
    expect(located(notUuid.prebuilt)).toEqual(located(notUuid.normal));
  });

  it('answers a page beside a root field that fails as graphql-js does: the page, and the other field\'s error', async () => {
    // A viewer may read batches, not webhooks: `webhook` (nullable) fails with a scope error, the page stays.
    const body = 'page: batches(first: 4) { totalCount edges { cursor node { id team } } } webhook(id: "00000000-0000-4000-8000-000000000000") { id }';
    const { prebuilt, normal, used } = await both('', body, {}, await t.tokenFor('VIEWER'));
    expect(used).toBe(true);
    expect(prebuilt.errors).toHaveLength(1);
    expect(prebuilt.data.page.edges).toHaveLength(4);
    expect(prebuilt.data.webhook).toBeNull();
    expect(located(prebuilt)).toEqual(located(normal));
  });

  it('answers over graphql-ws as over HTTP', async () => {
    const query = 'query($first: Int) { batches(first: $first) { totalCount edges { cursor node { id team units(first: 2) { edges { node { code } } } } } } }';
    const client = openWsClient(t.url, t.adminToken);
    t.resetQueries();
    const overWs = await new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
      client.subscribe({ query, variables: { first: 30 } }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(t.queries.some((sql) => sql.includes(PREBUILT))).toBe(true);
    const overHttp = await t.gql(query, { first: 30 });
    expect(overWs.errors).toBeUndefined();
    expect(JSON.stringify(overWs.data)).toBe(JSON.stringify(overHttp.data));
  });

  it('refuses a field whose column Prisma maps to another name, a mapped model and a renamed field, answering as graphql-js does', async () => {
    // Stands for `team String @map("…")`, `@@map` on Unit, or `team: t.exposeString('shift')`: the
    // short-cut would read a column that is not the field's, so it must leave the selection to graphql-js.
    const runtime = (t.app.services.prisma as unknown as { _runtimeDataModel: { models: Record<string, { dbName: string | null; fields: Array<{ name: string; dbName?: string }> }> } })._runtimeDataModel.models;
    const teamField = runtime.Batch!.fields.find((f) => f.name === 'team')!;
    const dateField = runtime.Batch!.fields.find((f) => f.name === 'batchDate')!;
    const exposed = (schema.getType('Batch') as unknown as { getFields(): Record<string, { extensions: Record<string, unknown> }> }).getFields().team!.extensions;
    const cases: Array<[string, () => () => void, string]> = [
      ['a mapped column', () => ((teamField.dbName = 'team_name'), () => delete teamField.dbName), 'batches(first: 3) { edges { node { id team } } }'],
      ['a mapped sort column', () => ((dateField.dbName = 'batch_date'), () => delete dateField.dbName), 'batches(first: 3, orderBy: { field: BATCH_DATE }) { edges { node { id } } }'],
      ['a mapped model', () => ((runtime.Unit!.dbName = 'units'), () => (runtime.Unit!.dbName = null)), 'batches(first: 3) { edges { node { units(first: 2) { totalCount } } } }'],
      ['a renamed field', () => ((exposed.pothosExposedField = 'shift'), () => (exposed.pothosExposedField = 'team')), 'batches(first: 3) { edges { node { team } } }'],
    ];
    for (const [name, change, body] of cases) {
      expect((await both('', body)).used, `${name}: unchanged`).toBe(true);
      const restore = change();
      try {
        const { prebuilt, normal, used } = await both('', body);
        expect(used, name).toBe(false);
        expect(prebuilt, name).toEqual(normal);
      } finally {
        restore();
      }
    }
  });

  it('sends the page as PostgreSQL wrote it: the bytes graphql-js sends, in JSON, GraphQL-response, SSE and multipart responses, for any text', async () => {
    const prisma = t.app.services.prisma;
    const center = await prisma.workCenter.findUniqueOrThrow({ where: { identifier: 'READ-2' } });
    const odd = 'quote " backslash \\ slash / tab \t newline \n cr \r nul-ish \u0001 \u001f del \u007f nbsp \u00a0 line sep \u2028 cyrillic ё emoji 🧪';
    const batch = await prisma.batch.create({
      data: {
        taskDescription: odd, shift: odd, team: `</script>${odd}`, batchNumber: 999, batchDate: new Date(Date.UTC(2030, 0, 1)), nomenclature: 'odd', eknCode: 'odd',
        shiftStart: new Date(Date.UTC(2030, 0, 1, 8)), shiftEnd: new Date(Date.UTC(2030, 0, 1, 16)), workCenterId: center.id,
        units: { create: [{ code: `U-${odd}` }] },
      },
    });
    try {
      const body = `batches(first: 3, filter: { nomenclature: "odd" }) { totalCount edges { cursor node { ${ALL_BATCH} units { edges { node { ${ALL_UNIT} } } } } } }`;
      const raw = async (query: string, accept: string) => {
        const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${t.adminToken}` }, body: JSON.stringify({ query }) });
        return { type: res.headers.get('content-type'), text: await res.text() };
      };
      // The app runs in this process: its page text is spliced in, never parsed back (RawJson.toJSON is graphql-ws' way).
      const parsed = vi.spyOn(RawJson.prototype, 'toJSON');
      for (const accept of ['application/json', 'application/graphql-response+json', 'text/event-stream', 'multipart/mixed']) {
        t.resetQueries();
        const prebuilt = await raw(`{ ${body} }`, accept);
        expect(t.queries.some((sql) => sql.includes(PREBUILT)), accept).toBe(true);
        expect(parsed, accept).not.toHaveBeenCalled();
        const normal = await raw(`{ ... on Query { ${body} } }`, accept);
        expect(prebuilt.type, accept).toBe(normal.type);
        expect(prebuilt.text.replace(/boundary="?[^";\r\n]+/g, ''), accept).toBe(normal.text.replace(/boundary="?[^";\r\n]+/g, ''));
        expect(prebuilt.text, accept).toContain(JSON.stringify(odd).slice(1, -1));
      }
    } finally {
      vi.restoreAllMocks();
      await prisma.batch.delete({ where: { id: batch.id } });
    }
  });

  it('never answers a type or field that declares auth scopes, whatever is selected of it', async () => {
    // Stands for a scope added later (on the type or the field, authScopes or grantScopes): the
    // short-cut must leave the selection to graphql-js, whose Pothos wrappers check it.
    const options = (typeName: string, fieldName?: string) => {
      const type = schema.getType(typeName) as unknown as { extensions: { pothosOptions: Record<string, unknown> }; getFields(): Record<string, { extensions: { pothosOptions: Record<string, unknown> } }> };
      return (fieldName ? type.getFields()[fieldName]! : type).extensions.pothosOptions;
    };
    const cases: Array<[typeName: string, fieldName: string | undefined, scope: string, body: string]> = [
      ['Batch', 'team', 'authScopes', 'batches(first: 2) { edges { node { team } } }'],
      ['Batch', undefined, 'authScopes', 'batches(first: 2) { edges { node { __typename } } }'],
      ['Batch', 'workCenter', 'authScopes', 'batches(first: 2) { edges { node { workCenter { __typename } } } }'],
      ['Batch', 'units', 'grantScopes', 'batches(first: 2) { edges { node { units(first: 2) { totalCount } } } }'],
      ['WorkCenter', undefined, 'authScopes', 'batches(first: 2) { edges { node { workCenter { __typename } } } }'],
      ['Unit', undefined, 'authScopes', 'batches(first: 2) { edges { node { units(first: 2) { edges { node { __typename } } } } } }'],
      ['QueryBatchesConnection', undefined, 'authScopes', 'batches(first: 2) { __typename edges { cursor } }'],
      ['QueryBatchesConnectionEdge', undefined, 'authScopes', 'batches(first: 2) { edges { __typename } }'],
      ['BatchUnitsConnection', undefined, 'authScopes', 'batches(first: 2) { edges { node { units(first: 2) { __typename totalCount } } } }'],
      ['QueryBatchesConnection', 'totalCount', 'authScopes', 'batches(first: 2) { totalCount edges { cursor } }'],
      ['QueryBatchesConnectionEdge', 'cursor', 'authScopes', 'batches(first: 2) { edges { cursor } }'],
      ['PageInfo', 'endCursor', 'authScopes', 'batches(first: 2) { edges { node { units(first: 2) { pageInfo { endCursor } } } } }'],
    ];
    for (const [typeName, fieldName, scope, body] of cases) {
      expect((await both('', body)).used, `${body} unscoped`).toBe(true);
      const declared = options(typeName, fieldName);
      declared[scope] = { admin: true };
      try {
        expect((await both('', body)).used, `${body} with ${scope} on ${typeName}${fieldName ? `.${fieldName}` : ''}`).toBe(false);
      } finally {
        delete declared[scope];
      }
    }
  });

  it('keeps auth scopes, limits and error shapes: a viewer reads, no token and bad input are refused as before', async () => {
    const body = 'batches(first: 3, filter: $filter) { edges { node { id units(first: 2) { edges { node { code } } } } } }';
    const viewer = await both('($filter: BatchFilter)', body, {}, await t.tokenFor('VIEWER'));
    expect(viewer.used).toBe(true);
    expect(viewer.prebuilt.data).toEqual(viewer.normal.data);
    const anonymous = await both('($filter: BatchFilter)', body, {}, null);
    expect(anonymous.used).toBe(false);
    expect(anonymous.prebuilt.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(located(anonymous.prebuilt)).toEqual(located(anonymous.normal));
    const badFilter = await both('($filter: BatchFilter)', body, { filter: { batchNumber: -1 } });
    expect(badFilter.used).toBe(false);
    expect(badFilter.prebuilt.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(located(badFilter.prebuilt)).toEqual(located(badFilter.normal));
    const badCursor = await both('', 'batches(first: 3, after: "nope") { edges { node { id } } }');
    expect(badCursor.used).toBe(false);
    expect(badCursor.prebuilt.errors).toHaveLength(1);
    expect(located(badCursor.prebuilt)).toEqual(located(badCursor.normal));
    const tooComplex = await both('', 'batches(first: 100) { edges { node { a: units(first: 100) { edges { node { code } } } b: units(first: 100) { edges { node { code } } } } } }');
    expect(tooComplex.used).toBe(false);
    expect(tooComplex.prebuilt.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(located(tooComplex.prebuilt)).toEqual(located(tooComplex.normal));
  });
});
