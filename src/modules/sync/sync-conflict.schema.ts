import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';
import { runMutation } from '../../graphql/payload.js';
import { Listing } from '../catalog/listing.schema.js';
import { Order } from '../orders/order.schema.js';
import { resolveSyncConflict } from './conflict.service.js';
import { SyncError } from './sync-run.schema.js';

const ConflictField = builder.enumType('ConflictField', {
  description: 'The value two sides changed.',
  values: {
    PRICE: { description: "A listing's price." },
    STOCK: { description: "A listing's stock." },
    ORDER_STATUS: { description: "An order's status." },
  } as const,
});
const ConflictResolution = builder.enumType('ConflictResolution', {
  description: 'How a conflict was, or is to be, settled.',
  values: {
    KEEP_LOCAL: { description: 'Keep the local value (a price or stock is pushed to the marketplace again).' },
    TAKE_REMOTE: { description: "Take the marketplace's latest value; the local edit is dropped (kept in the history)." },
  } as const,
});

const SyncConflict = builder.prismaObject('SyncConflict', {
  description: 'A field changed both locally and on the marketplace while the MANUAL strategy was in force.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    account: t.relation('account', { description: 'The account whose data conflicts.' }),
    runId: t.exposeID('runId', { nullable: true, description: 'The run that found it (the latest, if found again).' }),
    field: t.expose('field', { type: ConflictField, description: 'Which value conflicts.' }),
    localValue: t.exposeString('localValue', { description: 'The value edited in Stockline: a decimal price ("12.50", in the listing\'s currency), a stock count, or an order status name.' }),
    remoteValue: t.exposeString('remoteValue', { description: 'What the marketplace reported (the latest, if it changed again).' }),
    baseValue: t.exposeString('baseValue', {
      nullable: true,
      description: 'What the marketplace held when the local edit was made (the remote base): against it, localValue is what the user changed and remoteValue what the marketplace changed. Null for conflicts recorded before this was kept.',
    }),
    localChangedAt: t.expose('localChangedAt', { type: 'DateTime', description: 'When it was edited in Stockline.' }),
    remoteChangedAt: t.expose('remoteChangedAt', { type: 'DateTime', nullable: true, description: 'When the marketplace says it changed, if it says.' }),
    listing: t.field({
      type: Listing,
      nullable: true,
      description: 'The listing, for PRICE and STOCK; null for ORDER_STATUS.',
      select: { listingId: true },
      resolve: (c, _a, ctx) => (c.listingId ? ctx.prisma.listing.findUnique({ where: { id: c.listingId } }) : null),
    }),
    order: t.field({
      type: Order,
      nullable: true,
      description: 'The order, for ORDER_STATUS; null otherwise.',
      select: { orderId: true },
      resolve: (c, _a, ctx) => (c.orderId ? ctx.prisma.order.findUnique({ where: { id: c.orderId } }) : null),
    }),
    resolution: t.expose('resolution', { type: ConflictResolution, nullable: true, description: 'How it was settled; null while open.' }),
    resolvedBy: t.exposeString('resolvedBy', { nullable: true, description: 'Name of the token that settled it; null while open.' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true, description: 'When it was settled; null while open.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When a sync first found it.' }),
  }),
});

const SyncConflictFilter = builder.inputType('SyncConflictFilter', {
  description: 'Which conflicts: every given condition must hold.',
  fields: (t) => ({
    accountId: t.id({ required: false, description: 'Only conflicts of this account.' }),
    resolved: t.boolean({ required: false, description: 'true: settled conflicts only; default false: open conflicts only.' }),
    field: t.field({ type: ConflictField, required: false, description: 'Only conflicts on this value.' }),
  }),
});

function conflictWhere(filter: { accountId?: string | number | null; resolved?: boolean | null; field?: 'PRICE' | 'STOCK' | 'ORDER_STATUS' | null } | null | undefined) {
  const where: Prisma.SyncConflictWhereInput = { resolvedAt: filter?.resolved ? { not: null } : null };
  if (filter?.accountId != null) where.accountId = isUuid(String(filter.accountId)) ? String(filter.accountId) : '00000000-0000-0000-0000-000000000000';
  if (filter?.field) where.field = filter.field;
  return where;
}

builder.queryFields((t) => ({
  syncConflicts: t.prismaConnection({
    type: 'SyncConflict',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Conflicts waiting for a decision (or settled ones), newest first.',
    args: { filter: t.arg({ type: SyncConflictFilter, required: false, description: 'Default: open conflicts of every account.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncConflict.count({ where: conflictWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncConflict.findMany({ ...query, where: conflictWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const ResolveSyncConflictInput = builder.inputType('ResolveSyncConflictInput', {
  description: 'Which conflict, and how to settle it.',
  fields: (t) => ({ id: t.id({ description: 'The conflict id.' }), resolution: t.field({ type: ConflictResolution, description: 'Keep the local value or take the remote one.' }) }),
});

const SyncConflictPayload = builder.simpleObject('SyncConflictPayload', {
  description: 'The outcome of resolveSyncConflict: the settled conflict, or why it was refused.',
  fields: (t) => ({ conflict: t.field({ type: SyncConflict, nullable: true, description: 'The conflict, now settled; null when refused.' }), errors: t.field({ type: [SyncError] }) }),
});

builder.mutationFields((t) => ({
  resolveSyncConflict: t.field({
    type: SyncConflictPayload,
    authScopes: { operator: true },
    description:
      'Settles an open MANUAL conflict: TAKE_REMOTE puts the marketplace value in place (the local edit stays in the change history); KEEP_LOCAL keeps the local value and queues its push again (an order status is not pushed: the local status stands).',
    args: { input: t.arg({ type: ResolveSyncConflictInput, description: 'The conflict and the decision.' }) },
    resolve: (_root, { input }, ctx) => runMutation('conflict', () => resolveSyncConflict(ctx, ctx.actor!, { id: String(input.id), resolution: input.resolution })),
  }),
}));
