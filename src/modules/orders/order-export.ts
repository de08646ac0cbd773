/** `exportOrders` task: the orders the `orders` filter selects, newest first, as CSV (one row per order). */
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { OrderStatus } from '../../generated/prisma/enums.js';
import type { Actor, AppServices } from '../../core/services.js';
import { channels } from '../../connectors/channels.js';
import { exportCsv, keysetPages, type CsvColumn, type CsvExportResult } from '../files/csv-export.js';
import type { TaskContext, TaskKind } from '../tasks/task-kinds.js';
import { createTask } from '../tasks/task.service.js';
import { orderFilterRules, orderOrderBy, orderWhere, type OrderFilter } from './order.filters.js';

export const EXPORT_ORDERS_KIND = 'exportOrders';
const PAGE_SIZE = 1000;

/** The stored input (JSON): the `orders` filter, times as ISO strings. */
const exportOrdersInput = z.object({
  filter: z
    .object({
      channel: z.enum(channels).nullish(),
      accountId: z.string().max(100).nullish(),
      status: z.array(z.enum(OrderStatus)).max(Object.keys(OrderStatus).length).nullish(),
      placedFrom: z.iso.datetime().nullish(),
      placedTo: z.iso.datetime().nullish(),
      search: z.string().max(500).nullish(),
    })
    .nullish(),
});
type Input = z.infer<typeof exportOrdersInput>;

const include = { account: { select: { name: true, channel: true } }, _count: { select: { items: true } } } satisfies Prisma.OrderInclude;
type Row = Prisma.OrderGetPayload<{ include: typeof include }>;

const columns: readonly CsvColumn<Row>[] = [
  { name: 'externalId', text: true, value: (o) => o.externalId },
  { name: 'placedAt', value: (o) => o.placedAt.toISOString() },
  { name: 'channel', value: (o) => o.account.channel },
  { name: 'account', text: true, value: (o) => o.account.name },
  { name: 'status', value: (o) => o.status },
  { name: 'remoteStatus', text: true, value: (o) => o.remoteStatus },
  { name: 'total', value: (o) => o.total.toFixed(2) },
  { name: 'currency', value: (o) => o.currency },
  { name: 'lines', value: (o) => o._count.items },
  { name: 'customerName', text: true, value: (o) => o.customerName },
  { name: 'orderId', value: (o) => o.id },
];

async function runExportOrders(ctx: TaskContext<Input>): Promise<CsvExportResult> {
  const raw = ctx.input.filter;
  const date = (v: string | null | undefined) => (v ? new Date(v) : null);
  const filter: OrderFilter | null = raw ? { ...raw, placedFrom: date(raw.placedFrom), placedTo: date(raw.placedTo) } : null;
  const where = orderWhere(filter);
  const { prisma } = ctx.services;
  const pages = keysetPages<Row>(PAGE_SIZE, (cursor) => prisma.order.findMany({ where, orderBy: orderOrderBy(), take: PAGE_SIZE, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), include }));
  return exportCsv(ctx as TaskContext<unknown>, { name: 'orders', columns, total: await prisma.order.count({ where }), pages });
}

/** The `exportOrders` task kind (declared in src/registry.ts). */
export const exportOrdersTask: TaskKind<Input, CsvExportResult> = {
  description: 'Orders matching the orders filters, as CSV',
  input: exportOrdersInput,
  run: runExportOrders,
};

/** Queues an export (returns the PENDING task at once); `filter` as the `orders` query takes it. */
export function startExportOrders(services: AppServices, actor: Actor, filter: (Omit<OrderFilter, 'accountId'> & { accountId?: string | number | null }) | null | undefined) {
  // A filter no order could match by the rules is refused as the `orders` query refuses it (a VALIDATION error at input.filter.…).
  z.object({ filter: orderFilterRules.nullish() }).parse({ filter });
  const stored = filter
    ? { ...filter, accountId: filter.accountId == null ? null : String(filter.accountId), placedFrom: filter.placedFrom?.toISOString() ?? null, placedTo: filter.placedTo?.toISOString() ?? null }
    : null;
  return createTask(services, actor, { kind: EXPORT_ORDERS_KIND, input: { filter: stored } });
}
