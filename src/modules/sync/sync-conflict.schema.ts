import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';
import { runMutation } from '../../graphql/payload.js';
import { Listing } from '../catalog/listing.schema.js';
import { Order } from '../orders/order.schema.js';
import { resolveSyncConflict } from './conflict.service.js';
import { SyncError } from './sync-run.schema.js';

const ConflictField = builder.enumType('ConflictField', { values: ['PRICE', 'STOCK', 'ORDER_STATUS'] as const });
const ConflictResolution = builder.enumType('ConflictResolution', {
  values: {
    KEEP_LOCAL: { description: 'Keep the local value (a price or stock is pushed to the marketplace again).' },
    TAKE_REMOTE: { description: "Take the marketplace's latest value; the local edit is dropped (kept in the history)." },
  } as const,
});

const SyncConflict = builder.prismaObject('SyncConflict', {
  description: 'A field changed both locally and on the marketplace while the MANUAL strategy was in force.',
  fields: (t) => ({
    id: t.exposeID('id'),
    account: t.relation('account'),
    runId: t.exposeID('runId', { nullable: true, description: 'The run that found it (the latest, if found again).' }),
    field: t.expose('field', { type: ConflictField }),
    localValue: t.exposeString('localValue'),
    remoteValue: t.exposeString('remoteValue', { description: 'What the marketplace reported (the latest, if it changed again).' }),
    localChangedAt: t.expose('localChangedAt', { type: 'DateTime' }),
    remoteChangedAt: t.expose('remoteChangedAt', { type: 'DateTime', nullable: true, description: 'When the marketplace says it changed, if it says.' }),
    listing: t.field({
      type: Listing,
      nullable: true,
      select: { listingId: true },
      resolve: (c, _a, ctx) => (c.listingId ? ctx.prisma.listing.findUnique({ where: { id: c.listingId } }) : null),
    }),
    order: t.field({
      type: Order,
      nullable: true,
      select: { orderId: true },
      resolve: (c, _a, ctx) => (c.orderId ? ctx.prisma.order.findUnique({ where: { id: c.orderId } }) : null),
    }),
    resolution: t.expose('resolution', { type: ConflictResolution, nullable: true }),
    resolvedBy: t.exposeString('resolvedBy', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SyncConflictFilter = builder.inputType('SyncConflictFilter', {
  fields: (t) => ({
    accountId: t.id({ required: false }),
    resolved: t.boolean({ required: false, description: 'Default false: open conflicts only.' }),
    field: t.field({ type: ConflictField, required: false }),
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
    args: { filter: t.arg({ type: SyncConflictFilter, required: false }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncConflict.count({ where: conflictWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncConflict.findMany({ ...query, where: conflictWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const ResolveSyncConflictInput = builder.inputType('ResolveSyncConflictInput', {
  fields: (t) => ({ id: t.id(), resolution: t.field({ type: ConflictResolution }) }),
});

const SyncConflictPayload = builder.simpleObject('SyncConflictPayload', {
  fields: (t) => ({ conflict: t.field({ type: SyncConflict, nullable: true }), errors: t.field({ type: [SyncError] }) }),
});

builder.mutationFields((t) => ({
  resolveSyncConflict: t.field({
    type: SyncConflictPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: ResolveSyncConflictInput }) },
    resolve: (_root, { input }, ctx) => runMutation('conflict', () => resolveSyncConflict(ctx, ctx.actor!, { id: String(input.id), resolution: input.resolution })),
  }),
}));
