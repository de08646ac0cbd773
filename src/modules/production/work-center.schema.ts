import { isUuid } from '../../core/ids.js';
import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { createWorkCenter, deleteWorkCenter, updateWorkCenter } from './work-center.service.js';

export const WorkCenter = builder.prismaObject('WorkCenter', {
  description: 'A place where batches are produced; its identifier is unique.',
  fields: (t) => ({
    id: t.exposeID('id'),
    identifier: t.exposeString('identifier'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    batches: t.relatedConnection('batches', {
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: [{ batchDate: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

const WorkCenterFilter = builder.inputType('WorkCenterFilter', {
  fields: (t) => ({
    identifier: t.string({ required: false, description: 'Exact identifier.' }),
    search: t.string({ required: false, description: 'Part of the identifier or name, any case.' }),
  }),
});

builder.queryFields((t) => ({
  workCenters: t.prismaConnection({
    type: 'WorkCenter',
    cursor: 'id',
    authScopes: { viewer: true },
    args: { filter: t.arg({ type: WorkCenterFilter, required: false }) },
    totalCount: (_c, args, ctx) => ctx.prisma.workCenter.count({ where: workCenterWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.workCenter.findMany({ ...query, where: workCenterWhere(args.filter), orderBy: [{ identifier: 'asc' }, { id: 'asc' }] }),
  }),
  workCenter: t.prismaField({
    type: 'WorkCenter',
    nullable: true,
    authScopes: { viewer: true },
    args: { id: t.arg.id() },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.workCenter.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

function workCenterWhere(filter?: { identifier?: string | null; search?: string | null } | null) {
  return {
    ...(filter?.identifier ? { identifier: filter.identifier } : {}),
    ...(filter?.search
      ? { OR: [{ identifier: { contains: filter.search, mode: 'insensitive' as const } }, { name: { contains: filter.search, mode: 'insensitive' as const } }] }
      : {}),
  };
}


const WorkCenterPayload = builder.simpleObject('WorkCenterPayload', {
  fields: (t) => ({
    workCenter: t.field({ type: WorkCenter, nullable: true }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

builder.mutationFields((t) => ({
  createWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: builder.inputType('CreateWorkCenterInput', { fields: (f) => ({ identifier: f.string(), name: f.string() }) }) }) },
    resolve: (_r, { input }, ctx) => runMutation('workCenter', () => createWorkCenter(ctx, ctx.actor!, input)),
  }),
  updateWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    args: {
      input: t.arg({
        type: builder.inputType('UpdateWorkCenterInput', {
          fields: (f) => ({ id: f.id(), identifier: f.string({ required: false }), name: f.string({ required: false }) }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('workCenter', () => updateWorkCenter(ctx, ctx.actor!, { ...input, id: String(input.id) })),
  }),
  deleteWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    args: { input: t.arg({ type: builder.inputType('DeleteWorkCenterInput', { fields: (f) => ({ id: f.id() }) }) }) },
    resolve: (_r, { input }, ctx, info) => runMutation('workCenter', () => deleteWorkCenter(ctx, ctx.actor!, { id: String(input.id) }, selectionUnder(ctx, info, 'workCenter'))),
  }),
}));

