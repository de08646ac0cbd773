/**
 * Writes one page of remote orders set-based, like listing-writer: new orders and their lines are
 * inserted, changed orders updated (lines replaced only when they differ), unchanged ones left
 * alone. The status is reconciled with a user's status change by the conflict strategy, except
 * that a marketplace status older than the change never replaces it (Stockline cannot push a
 * status, so the marketplace keeps reporting the value the user overruled).
 */
import { z } from 'zod';
import type { ConflictStrategy, Order } from '../../generated/prisma/client.js';
import type { RemoteOrder } from '../../connectors/index.js';
import type { Tx } from '../../db/transaction.js';
import { countEdit, reconcileUnpushedField } from './conflict-policy.js';
import { emptyOutcome, recordSyncChanges, recordConflicts, type ChangeRow, type ConflictRow, type PageOutcome, type RecordFailure } from './page-effects.js';
import { laterOf, normalizePrice, sameTime } from './sync-values.js';
import { applyOrderStock } from '../inventory/order-stock.js';

const statuses = ['NEW', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;
const record = z.object({
  externalId: z.string().trim().min(1).max(255),
  status: z.enum(statuses),
  remoteStatus: z.string().max(255),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  placedAt: z.date(),
  fulfilledByMarketplace: z.boolean().default(false),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
  items: z.array(
    z.object({
      sku: z.string().min(1).max(255),
      externalProductId: z.string().max(255),
      name: z.string().max(1000).optional(),
      quantity: z.number().int().min(0).max(1_000_000),
    }),
  ),
});

interface Line {
  position: number;
  sku: string;
  externalProductId: string;
  name: string | null;
  quantity: number;
  price: string;
}

/** A valid remote order, flattened into the Order columns plus its lines. */
type Row = Pick<Order, 'externalId' | 'remoteStatus' | 'customerName' | 'customerEmail' | 'customerPhone' | 'currency' | 'placedAt' | 'remoteUpdatedAt' | 'fulfilledByMarketplace'> & {
  status: (typeof statuses)[number];
  total: string;
  lines: Line[];
};

/** A stored order as the page query reads it: money as numeric text, enums as text, lines as JSON text. */
type ExistingOrder = Pick<Order, 'id' | 'externalId' | 'remoteStatus' | 'statusEditedAt' | 'remoteOrderStatusSeenAt' | 'customerName' | 'customerEmail' | 'customerPhone' | 'currency' | 'placedAt' | 'remoteUpdatedAt'> & {
  status: string;
  remoteOrderStatus: string;
  total: string;
  lines: string;
};

const linesKey = (lines: Line[]) => JSON.stringify(lines.map((l) => [l.position, l.sku, l.externalProductId, l.name, l.quantity, l.price]));

function validRows(items: RemoteOrder[], failures: RecordFailure[]): Row[] {
  const rows = new Map<string, Row>();
  for (const item of items) {
    const parsed = record.safeParse(item);
    const total = normalizePrice(item.total);
    const prices = (item.items ?? []).map((line) => normalizePrice(line.price));
    if (!parsed.success || total === null || prices.some((p) => p === null)) {
      const reason = !parsed.success ? parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'total or a line price is not a price';
      failures.push({ externalId: String(item.externalId ?? ''), reason });
      continue;
    }
    const d = parsed.data;
    rows.set(d.externalId, {
      externalId: d.externalId,
      status: d.status,
      remoteStatus: d.remoteStatus,
      customerName: d.customer.name,
      customerEmail: d.customer.email,
      customerPhone: d.customer.phone,
      total,
      currency: d.currency,
      placedAt: d.placedAt,
      remoteUpdatedAt: item.remoteUpdatedAt ?? null,
      fulfilledByMarketplace: d.fulfilledByMarketplace,
      lines: d.items.map((line, position) => ({ position, sku: line.sku, externalProductId: line.externalProductId, name: line.name ?? null, quantity: line.quantity, price: prices[position]! })),
    });
  }
  return [...rows.values()];
}

export interface OrderPageInput {
  tx: Tx;
  accountId: string;
  runId: string;
  strategy: ConflictStrategy;
  items: RemoteOrder[];
  now: Date;
  /** Emit order.created for orders new to Stockline; false on an account's first import (its history). */
  announceNew: boolean;
}

export async function writeOrderPage(input: OrderPageInput): Promise<PageOutcome> {
  const { tx, accountId, now } = input;
  const outcome = emptyOutcome();
  const rows = validRows(input.items, outcome.failures);
  if (rows.length === 0) return outcome;

  const existing = await tx.$queryRawUnsafe<ExistingOrder[]>(
    `SELECT o.id, o."externalId", o.status::text AS status, o."remoteOrderStatus"::text AS "remoteOrderStatus", o."remoteStatus", o."statusEditedAt", o."remoteOrderStatusSeenAt",
            o."customerName", o."customerEmail", o."customerPhone", o.total::text AS total, o.currency, o."placedAt", o."remoteUpdatedAt",
            COALESCE((SELECT jsonb_agg(jsonb_build_array(i.position, i.sku, i."externalProductId", i.name, i.quantity, i.price::text) ORDER BY i.position)
                        FROM "OrderItem" i WHERE i."orderId" = o.id)::text, '[]') AS lines
       FROM "Order" o WHERE o."accountId" = $1::uuid AND o."externalId" = ANY($2::text[]) FOR UPDATE OF o`,
    accountId,
    rows.map((r) => r.externalId),
  );
  const byExternalId = new Map(existing.map((e) => [e.externalId, e]));
  const pageOrderIds = existing.map((e) => e.id);

  const inserts: Row[] = [];
  const updates: Record<string, unknown>[] = [];
  const replacedLines: { orderId: string; lines: Line[] }[] = [];
  const changes: ChangeRow[] = [];
  const conflicts: ConflictRow[] = [];

  for (const row of rows) {
    outcome.maxRemoteUpdatedAt = laterOf(outcome.maxRemoteUpdatedAt, row.remoteUpdatedAt);
    const current = byExternalId.get(row.externalId);
    if (!current) {
      inserts.push(row);
      continue;
    }
    let status = current.status;
    let statusEditedAt = current.statusEditedAt;
    const decision = reconcileUnpushedField(
      {
        local: current.status,
        base: current.remoteOrderStatus,
        remote: row.status,
        editedAt: current.statusEditedAt,
        remoteReportedAt: row.remoteUpdatedAt,
        baseSeenAt: current.remoteOrderStatusSeenAt,
        now,
      },
      input.strategy,
    );
    countEdit(outcome.edits, decision);
    if (decision.kind === 'take') {
      [status, statusEditedAt] = [row.status, null];
      if (current.status !== row.status) {
        changes.push({ entityType: 'Order', entityId: current.id, field: 'status', oldValue: current.status, newValue: row.status, source: decision.overrodeEdit ? 'CONFLICT_RESOLUTION' : 'SYNC' });
        outcome.events.push(['order.status_changed', { orderId: current.id, accountId, externalId: row.externalId, oldStatus: current.status, newStatus: row.status, source: 'SYNC' }]);
      }
    } else if (decision.kind === 'conflict') {
      conflicts.push({ listingId: null, orderId: current.id, field: 'ORDER_STATUS', localValue: current.status, remoteValue: row.status, baseValue: current.remoteOrderStatus, localChangedAt: current.statusEditedAt!, remoteChangedAt: row.remoteUpdatedAt });
    }
    // keepLocal: connectors cannot push an order status, so the local status simply stands.

    // A new remote status is seen now; an unchanged one is recorded as seen after a standing edit,
    // so that its next change is known to be newer than the edit (remoteChangedAfterEdit).
    const seenAt =
      row.status !== current.remoteOrderStatus || (statusEditedAt && !(current.remoteOrderStatusSeenAt && current.remoteOrderStatusSeenAt >= statusEditedAt))
        ? now
        : current.remoteOrderStatusSeenAt;

    const linesChanged = linesKey(row.lines) !== JSON.stringify(JSON.parse(current.lines));
    const changed =
      linesChanged ||
      status !== current.status ||
      !sameTime(statusEditedAt, current.statusEditedAt) ||
      !sameTime(seenAt, current.remoteOrderStatusSeenAt) ||
      row.status !== current.remoteOrderStatus ||
      row.remoteStatus !== current.remoteStatus ||
      row.customerName !== current.customerName ||
      row.customerEmail !== current.customerEmail ||
      row.customerPhone !== current.customerPhone ||
      row.total !== current.total ||
      row.currency !== current.currency ||
      !sameTime(row.placedAt, current.placedAt) ||
      !sameTime(row.remoteUpdatedAt, current.remoteUpdatedAt);
    if (!changed) {
      outcome.unchanged++;
      continue;
    }
    const { lines, ...fields } = row;
    updates.push({ ...fields, id: current.id, status, statusEditedAt, remoteOrderStatus: row.status, remoteOrderStatusSeenAt: seenAt });
    if (linesChanged) replacedLines.push({ orderId: current.id, lines });
  }

  if (inserts.length > 0) {
    const created = await tx.$queryRawUnsafe<{ id: string; externalId: string; status: string }[]>(
      `INSERT INTO "Order" (id, "accountId", "externalId", status, "remoteOrderStatus", "remoteOrderStatusSeenAt", "remoteStatus", "customerName",
                            "customerEmail", "customerPhone", total, currency, "placedAt", "remoteUpdatedAt", "fulfilledByMarketplace", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $2::uuid, r."externalId", r.status::"OrderStatus", r.status::"OrderStatus", $3::timestamptz, r."remoteStatus",
              r."customerName", r."customerEmail", r."customerPhone", r.total, r.currency, r."placedAt", r."remoteUpdatedAt", COALESCE(r."fulfilledByMarketplace", false), $3::timestamptz, $3::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS r("externalId" text, status text, "remoteStatus" text, "customerName" text, "customerEmail" text,
              "customerPhone" text, total numeric, currency text, "placedAt" timestamptz, "remoteUpdatedAt" timestamptz, "fulfilledByMarketplace" boolean)
       ON CONFLICT ("accountId", "externalId") DO NOTHING
       RETURNING id, "externalId", status::text AS status`,
      JSON.stringify(inserts.map(({ lines: _l, ...r }) => r)),
      accountId,
      now.toISOString(),
    );
    outcome.created = created.length;
    pageOrderIds.push(...created.map((c) => c.id));
    const linesOf = new Map(inserts.map((r) => [r.externalId, r.lines]));
    replacedLines.push(...created.map((c) => ({ orderId: c.id, lines: linesOf.get(c.externalId) ?? [] })));
    for (const c of input.announceNew ? created : []) {
      const row = inserts.find((r) => r.externalId === c.externalId)!;
      outcome.events.push(['order.created', { orderId: c.id, accountId, externalId: c.externalId, status: c.status, total: row.total, currency: row.currency, placedAt: row.placedAt.toISOString() }]);
    }
  }
  if (updates.length > 0) {
    outcome.updated = await tx.$executeRawUnsafe(
      `UPDATE "Order" AS o
          SET status = r.status::"OrderStatus", "statusEditedAt" = r."statusEditedAt", "remoteOrderStatus" = r."remoteOrderStatus"::"OrderStatus",
              "remoteOrderStatusSeenAt" = r."remoteOrderStatusSeenAt",
              "remoteStatus" = r."remoteStatus", "customerName" = r."customerName", "customerEmail" = r."customerEmail",
              "customerPhone" = r."customerPhone", total = r.total, currency = r.currency, "placedAt" = r."placedAt",
              "remoteUpdatedAt" = r."remoteUpdatedAt", "updatedAt" = $2::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, "statusEditedAt" timestamptz, "remoteOrderStatus" text,
              "remoteOrderStatusSeenAt" timestamptz, "remoteStatus" text,
              "customerName" text, "customerEmail" text, "customerPhone" text, total numeric, currency text, "placedAt" timestamptz,
              "remoteUpdatedAt" timestamptz)
        WHERE o.id = r.id`,
      JSON.stringify(updates),
      now.toISOString(),
    );
  }
  if (replacedLines.length > 0) {
    await tx.$executeRawUnsafe(`DELETE FROM "OrderItem" WHERE "orderId" = ANY($1::uuid[])`, replacedLines.map((r) => r.orderId));
    await tx.$executeRawUnsafe(
      `INSERT INTO "OrderItem" (id, "orderId", position, sku, "externalProductId", name, quantity, price)
       SELECT gen_random_uuid(), r."orderId", r.position, r.sku, r."externalProductId", r.name, r.quantity, r.price
         FROM jsonb_to_recordset($1::jsonb) AS r("orderId" uuid, position int, sku text, "externalProductId" text, name text, quantity int, price numeric)`,
      JSON.stringify(replacedLines.flatMap(({ orderId, lines }) => lines.map((line) => ({ orderId, ...line })))),
    );
  }
  await recordSyncChanges(tx, changes);
  await recordConflicts(tx, accountId, input.runId, conflicts);
  // The page's order lines reserve, consume or release pool stock, committed with the page.
  const stock = await applyOrderStock(tx, (type, payload) => outcome.events.push([type, payload]), accountId, pageOrderIds, now);
  outcome.repushed += stock.pushes;
  return outcome;
}
