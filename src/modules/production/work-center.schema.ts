import { isUuid } from '../../core/ids.js';
import { SortDirection } from '../../graphql/common.schema.js';
import { workCenterListOrder, workCenterWhere, type WorkCenterSortField as WorkCenterSortFieldName } from './work-center.filters.js';
import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { selectionUnder } from '../../graphql/deleted-row.js';
import { ProductionError } from './production-error.schema.js';
import { createWorkCenter, deleteWorkCenter, updateWorkCenter } from './work-center.service.js';

export const WorkCenter = builder.prismaObject('WorkCenter', {
  description: 'A place where batches are produced; its identifier is unique.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    identifier: t.exposeString('identifier', { description: 'Short code of the work center, unique (e.g. WC-01); up to 100 characters.' }),
    name: t.exposeString('name', { description: 'Its display name; up to 200 characters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its identifier or name last changed.' }),
    batches: t.relatedConnection('batches', {
      description: 'Batches produced here, latest batch date first.',
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: [{ batchDate: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

const WorkCenterFilter = builder.inputType('WorkCenterFilter', {
  description: 'Which work centers: every given condition must hold.',
  fields: (t) => ({
    identifier: t.string({ required: false, description: 'Exact identifier.' }),
    search: t.string({ required: false, description: 'Part of the identifier or name, any case.' }),
  }),
});

const WorkCenterSortField = builder.enumType('WorkCenterSortField', {
  description: 'A work center column to sort by; ties are broken by id in the same direction, so pages never overlap.',
  values: {
    IDENTIFIER: { description: 'Identifier, alphabetically (the default).' },
    NAME: { description: 'Name, alphabetically.' },
    CREATED_AT: { description: 'When created.' },
    UPDATED_AT: { description: 'When its identifier or name last changed.' },
  } satisfies Record<WorkCenterSortFieldName, { description: string }>,
});
const WorkCenterOrder = builder.inputType('WorkCenterOrder', {
  description: 'How to sort work centers.',
  fields: (t) => ({
    field: t.field({ type: WorkCenterSortField, description: 'The column to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'ASC', description: 'Default ASC.' }),
  }),
});

builder.queryFields((t) => ({
  workCenters: t.prismaConnection({
    type: 'WorkCenter',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Work centers, by identifier unless `orderBy` says otherwise.',
    args: {
      filter: t.arg({ type: WorkCenterFilter, required: false, description: 'Default: every work center.' }),
      orderBy: t.arg({ type: WorkCenterOrder, required: false, description: 'Default: by identifier, ascending.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.workCenter.count({ where: workCenterWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.workCenter.findMany({ ...query, where: workCenterWhere(args.filter), orderBy: workCenterListOrder(args.orderBy) }),
  }),
  workCenter: t.prismaField({
    type: 'WorkCenter',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One work center by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The work center id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.workCenter.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

const WorkCenterPayload = builder.simpleObject('WorkCenterPayload', {
  description: 'The outcome of a work center mutation: the work center, or why it was refused.',
  fields: (t) => ({
    workCenter: t.field({ type: WorkCenter, nullable: true, description: 'The work center after the change (as it was, for deleteWorkCenter); null when refused.' }),
    errors: t.field({ type: [ProductionError] }),
  }),
});

builder.mutationFields((t) => ({
  createWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    description: 'Creates a work center; its identifier must be unused (DUPLICATE_IDENTIFIER). Emits work_center.created.',
    args: {
      input: t.arg({
        description: 'The new work center.',
        type: builder.inputType('CreateWorkCenterInput', {
          description: 'A new work center. Texts are trimmed and must not be empty.',
          fields: (f) => ({
            identifier: f.string({ description: 'Unique short code; at most 100 characters.' }),
            name: f.string({ description: 'Display name; at most 200 characters.' }),
          }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('workCenter', () => createWorkCenter(ctx, ctx.actor!, input)),
  }),
  updateWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    description: 'Renames a work center or changes its identifier (which must stay unique). Emits work_center.updated.',
    args: {
      input: t.arg({
        description: 'The work center and its new values.',
        type: builder.inputType('UpdateWorkCenterInput', {
          description: 'Fields left out keep their value.',
          fields: (f) => ({
            id: f.id({ description: 'The work center id.' }),
            identifier: f.string({ required: false, description: 'New unique identifier; at most 100 characters.' }),
            name: f.string({ required: false, description: 'New name; at most 200 characters.' }),
          }),
        }),
      }),
    },
    resolve: (_r, { input }, ctx) => runMutation('workCenter', () => updateWorkCenter(ctx, ctx.actor!, { ...input, id: String(input.id) })),
  }),
  deleteWorkCenter: t.field({
    type: WorkCenterPayload,
    authScopes: { operator: true },
    description: 'Deletes a work center that has no batches (WORK_CENTER_IN_USE otherwise). The payload holds it as it was. Emits work_center.deleted.',
    args: {
      input: t.arg({
        description: 'The work center to delete.',
        type: builder.inputType('DeleteWorkCenterInput', { description: 'Which work center.', fields: (f) => ({ id: f.id({ description: 'The work center id.' }) }) }),
      }),
    },
    resolve: (_r, { input }, ctx, info) => runMutation('workCenter', () => deleteWorkCenter(ctx, ctx.actor!, { id: String(input.id) }, selectionUnder(ctx, info, 'workCenter'))),
  }),
}));

