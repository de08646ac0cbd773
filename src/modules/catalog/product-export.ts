/**
 * `exportProducts` task: the products the `products` filter selects, as CSV, one row per listing
 * (a product without a listing there gets one row with the listing columns empty). With a channel
 * or account filter only the listings there are written, as the catalog page shows them.
 */
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { channels } from '../../connectors/channels.js';
import { exportCsv, keysetPages, type CsvColumn, type CsvExportResult } from '../files/csv-export.js';
import type { TaskContext, TaskKind } from '../tasks/task-kinds.js';
import { createTask } from '../tasks/task.service.js';
import { listingOrderBy, listingsOfProductWhere, productOrderBy, productWhere, type ProductFilter } from './catalog.filters.js';

export const EXPORT_PRODUCTS_KIND = 'exportProducts';
const PAGE_SIZE = 500;

/** The stored input (JSON): the `products` filter, times as ISO strings. */
const exportProductsInput = z.object({
  filter: z
    .object({
      channel: z.enum(channels).nullish(),
      accountId: z.string().max(100).nullish(),
      search: z.string().max(500).nullish(),
      rejected: z.boolean().nullish(),
      outOfStock: z.boolean().nullish(),
      hidden: z.boolean().nullish(),
      changedSince: z.iso.datetime().nullish(),
    })
    .nullish(),
});
type Input = z.infer<typeof exportProductsInput>;

const withListings = (scope: Prisma.ListingWhereInput) => ({ listings: { where: scope, orderBy: listingOrderBy, include: { account: { select: { name: true, channel: true } } } } }) satisfies Prisma.ProductInclude;
type ProductWithListings = Prisma.ProductGetPayload<{ include: ReturnType<typeof withListings> }>;
type Row = { product: ProductWithListings; listing: ProductWithListings['listings'][number] | null };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const columns: readonly CsvColumn<Row>[] = [
  { name: 'sku', text: true, value: (r) => r.product.sku },
  { name: 'productName', text: true, value: (r) => r.product.name },
  { name: 'hidden', value: (r) => r.product.hidden },
  { name: 'cost', value: (r) => r.product.cost?.toFixed(2) ?? null },
  { name: 'channel', value: (r) => r.listing?.account.channel },
  { name: 'account', text: true, value: (r) => r.listing?.account.name },
  { name: 'externalId', text: true, value: (r) => r.listing?.externalId },
  { name: 'listingName', text: true, value: (r) => r.listing?.name },
  { name: 'price', value: (r) => r.listing?.price.toFixed(2) },
  { name: 'currency', value: (r) => r.listing?.currency },
  { name: 'stock', value: (r) => r.listing?.stock },
  { name: 'status', value: (r) => r.listing?.status },
  { name: 'remoteStatus', text: true, value: (r) => r.listing?.remoteStatus },
  { name: 'lastSeenAt', value: (r) => iso(r.listing?.lastSeenAt) },
  { name: 'rejectionReasons', text: true, value: (r) => r.listing?.rejectionReasons.join('; ') },
  { name: 'productId', value: (r) => r.product.id },
  { name: 'listingId', value: (r) => r.listing?.id },
];

async function runExportProducts(ctx: TaskContext<Input>): Promise<CsvExportResult> {
  const raw = ctx.input.filter;
  const filter: ProductFilter | null = raw ? { ...raw, changedSince: raw.changedSince ? new Date(raw.changedSince) : null } : null;
  const where = productWhere(filter);
  const scope: Prisma.ListingWhereInput = { ...listingsOfProductWhere(filter?.accountId), ...(filter?.channel ? { account: { channel: filter.channel } } : {}) };
  const { prisma } = ctx.services;
  const pages = keysetPages<ProductWithListings>(PAGE_SIZE, (cursor) =>
    prisma.product.findMany({ where, orderBy: productOrderBy(), take: PAGE_SIZE, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), include: withListings(scope) }),
  );
  async function* rows() {
    for await (const page of pages) yield page.flatMap((product): Row[] => (product.listings.length ? product.listings.map((listing) => ({ product, listing })) : [{ product, listing: null }]));
  }
  return exportCsv(ctx as TaskContext<unknown>, { name: 'products', columns, total: await prisma.product.count({ where }), pages: rows() });
}

/** The `exportProducts` task kind (declared in src/registry.ts). */
export const exportProductsTask: TaskKind<Input, CsvExportResult> = {
  description: 'Products matching the catalog filters, as CSV (one row per listing)',
  input: exportProductsInput,
  run: runExportProducts,
};

/** Queues an export (returns the PENDING task at once); `filter` as the `products` query takes it. */
export function startExportProducts(services: AppServices, actor: Actor, filter: (Omit<ProductFilter, 'accountId'> & { accountId?: string | number | null }) | null | undefined) {
  const stored = filter ? { ...filter, accountId: filter.accountId == null ? null : String(filter.accountId), changedSince: filter.changedSince?.toISOString() ?? null } : null;
  return createTask(services, actor, { kind: EXPORT_PRODUCTS_KIND, input: { filter: stored } });
}
