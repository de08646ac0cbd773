// One rule for every time range a query or mutation takes (issue 15, items 2-3): a range whose end
// lies before its start is refused the same way everywhere, naming the end field and quoting both
// values, at the field's own path and before any database work; equal ends are an empty range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount, seedOrder } from '../helpers/catalog-seed.js';
import { waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';

let t: TestApp;
let productId: string;
let webhookId: string;

const AT = '2026-03-01T12:00:00.000Z';
const EARLY = '2026-03-01T00:00:00.000Z';
const LATE = '2026-03-02T00:00:00.000Z';
const EARLY_DAY = '2026-03-01';
const LATE_DAY = '2026-03-02';

interface Case {
  field: string;
  /** The ends' names, as the error's `field` path names them. */
  start: string[];
  end: string[];
  early: string;
  late: string;
  /** A document taking the two ends as $start and $end. */
  doc: () => string;
  /** The table a refusal must not read (or write). */
  table: string;
  /** How many records the well-ordered range finds (the seed puts one inside it). */
  found: (data: any) => number;
  mutation?: boolean;
}

const ERRORS = 'errors { code message field }';
const cases: Case[] = [
  ...(['totalCount', 'edges { cursor }'] as const).flatMap((selection): Case[] => [
    {
      field: 'orders',
      start: ['filter', 'placedFrom'],
      end: ['filter', 'placedTo'],
      early: EARLY,
      late: LATE,
      doc: () => `query($start: DateTime, $end: DateTime) { orders(filter: { placedFrom: $start, placedTo: $end }) { ${selection} } }`,
      table: '"Order"',
      found: (d) => d.orders.totalCount ?? d.orders.edges.length,
    },
    {
      field: 'stockMovements',
      start: ['filter', 'from'],
      end: ['filter', 'to'],
      early: EARLY,
      late: LATE,
      doc: () => `query($start: DateTime, $end: DateTime) { stockMovements(filter: { from: $start, to: $end }) { ${selection} } }`,
      table: '"StockMovement"',
      found: (d) => d.stockMovements.totalCount ?? d.stockMovements.edges.length,
    },
    {
      field: 'syncLogs',
      start: ['filter', 'since'],
      end: ['filter', 'until'],
      early: EARLY,
      late: LATE,
      doc: () => `query($start: DateTime, $end: DateTime) { syncLogs(filter: { since: $start, until: $end }) { ${selection} } }`,
      table: '"SyncLog"',
      found: (d) => d.syncLogs.totalCount ?? d.syncLogs.edges.length,
    },
    {
      field: 'webhookDeliveries',
      start: ['filter', 'since'],
      end: ['filter', 'until'],
      early: EARLY,
      late: LATE,
      doc: () => `query($start: DateTime, $end: DateTime) { webhookDeliveries(filter: { since: $start, until: $end }) { ${selection} } }`,
      table: '"WebhookDelivery"',
      found: (d) => d.webhookDeliveries.totalCount ?? d.webhookDeliveries.edges.length,
    },
    {
      field: 'batches',
      start: ['filter', 'batchDateFrom'],
      end: ['filter', 'batchDateTo'],
      early: EARLY_DAY,
      late: LATE_DAY,
      doc: () => `query($start: Date, $end: Date) { batches(filter: { batchDateFrom: $start, batchDateTo: $end }) { ${selection} } }`,
      table: '"Batch"',
      found: (d) => d.batches.totalCount ?? d.batches.edges.length,
    },
  ]),
  {
    field: 'orderTotals',
    start: ['filter', 'placedFrom'],
    end: ['filter', 'placedTo'],
    early: EARLY,
    late: LATE,
    doc: () => `query($start: DateTime, $end: DateTime) { orderTotals(filter: { placedFrom: $start, placedTo: $end }) { currency count } }`,
    table: '"Order"',
    found: (d) => d.orderTotals.reduce((n: number, g: { count: number }) => n + g.count, 0),
  },
  {
    field: 'orderStats',
    start: ['from'],
    end: ['to'],
    early: EARLY,
    late: LATE,
    doc: () => `query($start: DateTime, $end: DateTime) { orderStats(from: $start, to: $end) { count } }`,
    table: '"Order"',
    found: (d) => d.orderStats.count,
  },
  {
    field: 'productTrends',
    start: ['from'],
    end: ['to'],
    early: EARLY_DAY,
    late: LATE_DAY,
    doc: () => `query($start: Date, $end: Date) { productTrends(productId: "${productId}", from: $start, to: $end) { unitsSold } }`,
    table: '"OrderItem"',
    found: (d) => d.productTrends.unitsSold,
  },
  {
    field: 'exportOrders',
    start: ['input', 'filter', 'placedFrom'],
    end: ['input', 'filter', 'placedTo'],
    early: EARLY,
    late: LATE,
    mutation: true,
    doc: () => `mutation($start: DateTime, $end: DateTime) { exportOrders(input: { filter: { placedFrom: $start, placedTo: $end } }) { task { id } ${ERRORS} } }`,
    table: '"BackgroundTask"',
    found: (d) => (d.exportOrders.task ? 1 : 0),
  },
  {
    field: 'exportBatches',
    start: ['input', 'filter', 'batchDateFrom'],
    end: ['input', 'filter', 'batchDateTo'],
    early: EARLY_DAY,
    late: LATE_DAY,
    mutation: true,
    doc: () => `mutation($start: Date, $end: Date) { exportBatches(input: { format: CSV, filter: { batchDateFrom: $start, batchDateTo: $end } }) { task { id } ${ERRORS} } }`,
    table: '"BackgroundTask"',
    found: (d) => (d.exportBatches.task ? 1 : 0),
  },
  {
    field: 'replayWebhookDeliveries',
    start: ['input', 'filter', 'since'],
    end: ['input', 'filter', 'until'],
    early: EARLY,
    late: LATE,
    mutation: true,
    doc: () =>
      `mutation($start: DateTime, $end: DateTime) { replayWebhookDeliveries(input: { webhookId: "${webhookId}", filter: { status: PENDING, since: $start, until: $end } }) { task { id } ${ERRORS} } }`,
    table: '"BackgroundTask"',
    found: (d) => (d.replayWebhookDeliveries.task ? 1 : 0),
  },
];

beforeAll(async () => {
  t = await startTestApp();
  const { prisma } = t.app.services;
  const account = await seedAccount(t, 'ranges', 'STOREFRONT');
  const product = await prisma.product.create({ data: { sku: 'RANGE-1', name: 'Range' } });
  productId = product.id;
  await seedOrder(t, { accountId: account.id, externalId: 'R-1', total: '10.00', placedAt: new Date(AT), items: [{ sku: 'RANGE-1', quantity: 2, price: '5.00' }] });
  const location = await prisma.stockLocation.create({ data: { code: 'RANGE-LOC', name: 'Range' } });
  await prisma.stockMovement.create({
    data: { productId, locationId: location.id, reason: 'ADJUSTMENT', quantity: 1, onHandAfter: 1, reservedAfter: 0, causeType: 'USER', causeId: 'test', actor: 'test', idempotencyKey: 'range-1', createdAt: new Date(AT) },
  });
  await prisma.syncLog.create({ data: { accountId: account.id, level: 'INFO', message: 'in range', createdAt: new Date(AT) } });
  const webhook = await prisma.webhookSubscription.create({ data: { url: 'http://127.0.0.1:9/hook', secretEncrypted: 'unused', active: false } });
  webhookId = webhook.id;
  await prisma.webhookDelivery.create({ data: { subscriptionId: webhookId, eventId: 'e-1', eventType: 'batch.created', body: '{}', createdAt: new Date(AT) } });
  const workCenter = await createWorkCenter(t);
  const batch = await createBatch(t, batchInput(workCenter.id, { batchDate: EARLY_DAY, shiftStart: EARLY, shiftEnd: AT }));
  expect(batch.errors).toEqual([]);
});
afterAll(async () => {
  // The tasks the accepted mutations queued finish before the app stops (a stop mid-task is an error of its own).
  await waitFor(async () => (await t.app.services.prisma.backgroundTask.count({ where: { status: { in: ['PENDING', 'PROGRESS'] } } })) === 0 || null, { timeoutMs: 30_000, what: 'queued tasks to finish' });
  await t?.close();
});

const label = (c: Case) => `${c.field} ${c.doc().match(/\{ (totalCount|edges \{ cursor \}) \}/)?.[1] ?? ''}`.trim();

describe.each(cases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
  it('refuses a range that ends before it starts, naming the end and quoting both values, before any database work', async () => {
    t.resetQueries();
    const r = await t.gql(c.doc(), { start: c.late, end: c.early });
    const endName = c.end.at(-1)!;
    const startName = c.start.at(-1)!;
    const message = `${endName} (${c.early}) is before ${startName} (${c.late})`;
    if (c.mutation) {
      expect(r.errors).toBeUndefined();
      expect(r.data[c.field]).toEqual({ task: null, errors: [{ code: 'VALIDATION', message, field: c.end }] });
    } else {
      expect(r.errors).toEqual([{ message, path: [c.field], locations: expect.any(Array), extensions: { code: 'BAD_USER_INPUT', reason: 'VALIDATION', field: c.end } }]);
      expect(r.data?.[c.field] ?? null).toBeNull();
    }
    // A mutation's table is the task queue, which workers of earlier cases still read and update: no row is added.
    expect(t.queries.filter((sql) => sql.includes(c.table) && (!c.mutation || /^\s*INSERT/i.test(sql)))).toEqual([]);
  });

  it('takes equal ends (an empty range where the end is excluded, one day where days are included)', async () => {
    const r = await t.gql(c.doc(), { start: c.early, end: c.early });
    expect(r.errors).toBeUndefined();
    if (c.mutation) expect(r.data[c.field].errors).toEqual([]);
  });

  it('answers the range in the right order with its data', async () => {
    const data = dataOf(await t.gql(c.doc(), { start: c.early, end: c.late }));
    expect(c.found(data)).toBeGreaterThan(0);
  });
});

it('asks for a token before it looks at the range', async () => {
  const r = await t.gql(cases[0]!.doc(), { start: LATE, end: EARLY }, null);
  expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
