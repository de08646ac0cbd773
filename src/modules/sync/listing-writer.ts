/**
 * Writes one page of remote listings in a handful of set-based statements: read the page's
 * existing rows (locked), decide per row and per field in memory, then insert the new rows and
 * update only the rows that changed. Unchanged rows are not touched.
 */
import { z } from 'zod';
import type { ConflictStrategy, Listing } from '../../generated/prisma/client.js';
import type { RemoteListing } from '../../connectors/index.js';
import type { Tx } from '../../db/transaction.js';
import { countEdit, reconcileField } from './conflict-policy.js';
import { contentSchema, EMPTY_CONTENT, rejectionReasonsSchema, sameContent, sameReasons, storedContent, type StoredContent } from './listing-content.js';
import { canonicalWarehouses, laterOf, normalizePrice, sameTime } from './sync-values.js';
import { allocate } from '../inventory/allocation.js';
import { stockLevels } from '../inventory/stock-levels.js';
import { type PageOutcome, type RecordFailure, emptyOutcome, supersedePushes, repushLocal, recordConflicts, recordSyncChanges, type ConflictRow, type ChangeRow, type PushRef } from './page-effects.js';

const record = z.object({
  externalId: z.string().trim().min(1).max(255),
  sku: z.string().trim().min(1).max(255),
  name: z.string().max(1000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  stock: z.number().int().min(0).max(2_147_483_647),
  stockByWarehouse: z.record(z.string(), z.number().int().min(0)),
  status: z.enum(['ACTIVE', 'INACTIVE', 'DELISTED']),
  remoteStatus: z.string().max(255),
  content: contentSchema.optional(),
  rejectionReasons: rejectionReasonsSchema.optional(),
});

/** A stored listing as the page query reads it: money as numeric text, enums as text. */
type ExistingListing = Pick<Listing, 'id' | 'productId' | 'externalId' | 'sku' | 'name' | 'currency' | 'stock' | 'remoteStatus' | 'remoteStock' | 'remoteUpdatedAt' | 'priceEditedAt' | 'stockEditedAt'> &
  StoredContent & {
  rejectionReasons: string[] | null;
  price: string;
  remotePrice: string;
  status: string;
  stockByWarehouse: Record<string, number>;
};

export interface ListingPageInput {
  tx: Tx;
  accountId: string;
  runId: string;
  strategy: ConflictStrategy;
  items: RemoteListing[];
  now: Date;
}

/**
 * A valid remote offer, normalized for comparison with the stored one; `content` and
 * `rejectionReasons` are null when the listing call did not read them (the stored ones stay).
 */
type Row = Omit<z.infer<typeof record>, 'content' | 'rejectionReasons'> & {
  price: string;
  warehousesJson: string;
  remoteUpdatedAt: Date | null;
  content: StoredContent | null;
  rejectionReasons: string[] | null;
};

/** Validates the page's records; a bad one is reported and skipped, never written. */
function validRows(items: RemoteListing[], failures: RecordFailure[]): Row[] {
  const byExternalId = new Map<string, Row>();
  for (const item of items) {
    const parsed = record.safeParse(item);
    const price = normalizePrice(item.price);
    if (!parsed.success || price === null) {
      const reason = parsed.success ? `price ${JSON.stringify(item.price)} is not a price` : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      failures.push({ externalId: String(item.externalId ?? ''), sku: String(item.sku ?? ''), reason });
      continue;
    }
    const warehouses = canonicalWarehouses(parsed.data.stockByWarehouse);
    // A marketplace repeating an offer within a page: the last copy is the current one.
    byExternalId.set(parsed.data.externalId, {
      ...parsed.data,
      content: parsed.data.content ? storedContent(parsed.data.content) : null,
      rejectionReasons: parsed.data.rejectionReasons ?? null,
      price,
      stockByWarehouse: warehouses.value,
      warehousesJson: warehouses.json,
      remoteUpdatedAt: item.remoteUpdatedAt ?? null,
    });
  }
  return [...byExternalId.values()];
}

export async function writeListingPage(input: ListingPageInput): Promise<PageOutcome> {
  const { tx, accountId, strategy, now } = input;
  const outcome = emptyOutcome();
  const rows = validRows(input.items, outcome.failures);
  if (rows.length === 0) return outcome;

  const existing = await tx.$queryRawUnsafe<ExistingListing[]>(
    `SELECT id, "productId", "externalId", sku, name, price::text AS price, currency, stock, "stockByWarehouse", status::text AS status,
            "remoteStatus", "remotePrice"::text AS "remotePrice", "remoteStock", "remoteUpdatedAt", "priceEditedAt", "stockEditedAt",
            description, brand, category, images, barcodes, "rejectionReasons"
       FROM "Listing" WHERE "accountId" = $1::uuid AND "externalId" = ANY($2::text[]) FOR UPDATE`,
    accountId,
    rows.map((r) => r.externalId),
  );
  const byExternalId = new Map(existing.map((e) => [e.externalId, e]));
  const stockBefore = new Map(existing.map((e) => [e.id, e.stock]));

  const inserts: Row[] = [];
  const updates: Record<string, unknown>[] = [];
  const changes: ChangeRow[] = [];
  const conflicts: ConflictRow[] = [];
  const supersede: PushRef[] = [];
  const repush: (PushRef & { value: string })[] = [];
  const newSkus = new Map<string, string>();
  // Listings whose name is new or changed: their product may have only a placeholder name (its SKU).
  const named = new Map<string, string>();

  for (const row of rows) {
    outcome.maxRemoteUpdatedAt = laterOf(outcome.maxRemoteUpdatedAt, row.remoteUpdatedAt);
    const current = byExternalId.get(row.externalId);
    if (!current) {
      inserts.push(row);
      newSkus.set(row.sku, row.name);
      named.set(row.sku, row.name);
      continue;
    }
    const remoteChangedAt = row.remoteUpdatedAt ?? now;
    let price = current.price;
    let priceEditedAt = current.priceEditedAt;
    let stock = current.stock;
    let stockEditedAt = current.stockEditedAt;

    const fields = [
      { kind: 'PRICE' as const, field: 'price', local: current.price, base: current.remotePrice, remote: row.price, editedAt: current.priceEditedAt },
      { kind: 'STOCK' as const, field: 'stock', local: String(current.stock), base: String(current.remoteStock), remote: String(row.stock), editedAt: current.stockEditedAt },
    ];
    for (const f of fields) {
      const decision = reconcileField({ local: f.local, base: f.base, remote: f.remote, editedAt: f.editedAt, remoteChangedAt }, strategy);
      countEdit(outcome.edits, decision);
      if (decision.kind === 'unchanged') continue;
      const ref = { listingId: current.id, kind: f.kind };
      if (decision.kind === 'take') {
        if (f.kind === 'PRICE') [price, priceEditedAt] = [row.price, null];
        else [stock, stockEditedAt] = [row.stock, null];
        if (f.editedAt) supersede.push(ref);
        if (f.local !== f.remote) {
          changes.push({ entityType: 'Listing', entityId: current.id, field: f.field, oldValue: f.local, newValue: f.remote, source: decision.overrodeEdit ? 'CONFLICT_RESOLUTION' : 'SYNC' });
          outcome.events.push([f.kind === 'PRICE' ? 'listing.price_changed' : 'listing.stock_changed', {
            listingId: current.id, productId: current.productId, accountId, sku: row.sku,
            ...(f.kind === 'PRICE' ? { oldPrice: f.local, newPrice: f.remote } : { oldStock: Number(f.local), newStock: Number(f.remote) }),
            source: 'SYNC',
          }]);
        }
      } else if (decision.kind === 'keepLocal') {
        repush.push({ ...ref, value: f.local });
      } else {
        supersede.push(ref);
        conflicts.push({ listingId: current.id, orderId: null, field: f.kind, localValue: f.local, remoteValue: f.remote, baseValue: f.base, localChangedAt: f.editedAt!, remoteChangedAt: row.remoteUpdatedAt });
      }
    }

    const changed =
      price !== current.price ||
      stock !== current.stock ||
      !sameTime(priceEditedAt, current.priceEditedAt) ||
      !sameTime(stockEditedAt, current.stockEditedAt) ||
      row.price !== current.remotePrice ||
      row.stock !== current.remoteStock ||
      row.sku !== current.sku ||
      row.name !== current.name ||
      row.currency !== current.currency ||
      row.status !== current.status ||
      row.remoteStatus !== current.remoteStatus ||
      row.warehousesJson !== canonicalWarehouses(current.stockByWarehouse).json ||
      !sameTime(row.remoteUpdatedAt, current.remoteUpdatedAt) ||
      (row.content !== null && !sameContent(row.content, current)) ||
      (row.rejectionReasons !== null && !sameReasons(row.rejectionReasons, current.rejectionReasons));
    if (!changed) {
      outcome.unchanged++;
      continue;
    }
    if (row.sku !== current.sku) newSkus.set(row.sku, row.name);
    if (row.name !== current.name || row.sku !== current.sku) named.set(row.sku, row.name);
    const content = row.content ?? current;
    updates.push({
      description: content.description,
      brand: content.brand,
      category: content.category,
      images: content.images ?? [],
      barcodes: content.barcodes ?? [],
      rejectionReasons: row.rejectionReasons ?? current.rejectionReasons ?? [],
      id: current.id,
      sku: row.sku,
      name: row.name,
      price,
      currency: row.currency,
      stock,
      stockByWarehouse: row.stockByWarehouse,
      status: row.status,
      remoteStatus: row.remoteStatus,
      remotePrice: row.price,
      remoteStock: row.stock,
      remoteUpdatedAt: row.remoteUpdatedAt,
      priceEditedAt,
      stockEditedAt,
    });
  }

  if (newSkus.size > 0) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "Product" (id, sku, name, "updatedAt")
       SELECT gen_random_uuid(), r.sku, r.name, now() FROM jsonb_to_recordset($1::jsonb) AS r(sku text, name text)
       ON CONFLICT (sku) DO NOTHING`,
      JSON.stringify([...newSkus].map(([sku, name]) => ({ sku, name }))),
    );
  }
  if (inserts.length > 0) {
    outcome.created = await tx.$executeRawUnsafe(
      `INSERT INTO "Listing" (id, "productId", "accountId", "externalId", sku, name, price, currency, stock, "stockByWarehouse", status,
                              "remoteStatus", "remotePrice", "remoteStock", "remoteUpdatedAt", description, brand, category, images, barcodes,
                              "rejectionReasons", "lastSeenAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), p.id, $2::uuid, r."externalId", r.sku, r.name, r.price, r.currency, r.stock, r."stockByWarehouse",
              r.status::"ListingStatus", r."remoteStatus", r.price, r.stock, r."remoteUpdatedAt", r.description, r.brand, r.category,
              r.images, r.barcodes, r."rejectionReasons", $3::timestamptz, $3::timestamptz, $3::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS r("externalId" text, sku text, name text, price numeric, currency text, stock int,
                                                  "stockByWarehouse" jsonb, status text, "remoteStatus" text, "remoteUpdatedAt" timestamptz,
                                                  description text, brand text, category text, images text[], barcodes text[], "rejectionReasons" text[])
         JOIN "Product" p ON p.sku = r.sku
       ON CONFLICT ("accountId", "externalId") DO NOTHING`,
      JSON.stringify(inserts.map(({ warehousesJson: _w, content, rejectionReasons, ...r }) => ({ ...r, ...(content ?? EMPTY_CONTENT), rejectionReasons: rejectionReasons ?? [] }))),
      accountId,
      now.toISOString(),
    );
  }
  if (updates.length > 0) {
    outcome.updated = await tx.$executeRawUnsafe(
      `UPDATE "Listing" AS l
          SET sku = r.sku, "productId" = CASE WHEN l.sku = r.sku THEN l."productId" ELSE (SELECT p.id FROM "Product" p WHERE p.sku = r.sku) END,
              name = r.name, price = r.price, currency = r.currency, stock = r.stock, "stockByWarehouse" = r."stockByWarehouse",
              status = r.status::"ListingStatus", "remoteStatus" = r."remoteStatus", "remotePrice" = r."remotePrice",
              "remoteStock" = r."remoteStock", "remoteUpdatedAt" = r."remoteUpdatedAt", "priceEditedAt" = r."priceEditedAt",
              "stockEditedAt" = r."stockEditedAt", description = r.description, brand = r.brand, category = r.category, images = r.images,
              barcodes = r.barcodes, "rejectionReasons" = r."rejectionReasons", "lastSeenAt" = $2::timestamptz, "updatedAt" = $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, sku text, name text, price numeric, currency text, stock int, "stockByWarehouse" jsonb,
              status text, "remoteStatus" text, "remotePrice" numeric, "remoteStock" int, "remoteUpdatedAt" timestamptz,
              "priceEditedAt" timestamptz, "stockEditedAt" timestamptz, description text, brand text, category text, images text[],
              barcodes text[], "rejectionReasons" text[])
        WHERE l.id = r.id`,
      JSON.stringify(updates),
      now.toISOString(),
    );
  }
  // A product named after its SKU (a connector that gave no real name) takes the first real name
  // a listing brings; a real name, once there, is not replaced by another listing's title.
  const realNames = [...named].filter(([sku, name]) => name.trim() !== '' && name !== sku);
  if (realNames.length > 0) {
    await tx.$executeRawUnsafe(
      `UPDATE "Product" AS p SET name = r.name, "updatedAt" = $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS r(sku text, name text)
        WHERE p.sku = r.sku AND p.name = p.sku`,
      JSON.stringify(realNames.map(([sku, name]) => ({ sku, name }))),
      now.toISOString(),
    );
  }
  await recordSyncChanges(tx, changes);
  await supersedePushes(tx, supersede);
  outcome.repushed = await repushLocal(tx, accountId, repush);
  await recordConflicts(tx, accountId, input.runId, conflicts);
  // A listing under an allocation rule offers what the pool allocates: a stock read here that
  // differs (changed at the marketplace, or a new listing) gets the allocation pushed back.
  const drifted = [...updates.filter((u) => u.stock !== stockBefore.get(String(u.id))).map((u) => u.sku as string), ...inserts.map((r) => r.sku)];
  // Only an account with a rule has anything to re-allocate: a first FULL sync of an account without
  // one (the default, OFF) pays one primary-key read per page, not the pool's reads.
  if (drifted.length > 0 && (await underAllocation(tx, accountId))) {
    const products = await tx.product.findMany({ where: { sku: { in: [...new Set(drifted)] } }, select: { id: true } });
    const levels = await stockLevels(tx, products.map((p) => p.id));
    outcome.repushed += await allocate(tx, (type, payload) => outcome.events.push([type, payload]), levels, { accountId });
  }
  return outcome;
}

async function underAllocation(tx: Tx, accountId: string): Promise<boolean> {
  const rule = await tx.stockAllocationRule.findUnique({ where: { accountId }, select: { mode: true } });
  return rule !== null && rule.mode !== 'OFF';
}
