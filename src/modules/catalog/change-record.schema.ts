import DataLoader from 'dataloader';
import { builder, PAGE_SIZE, PAGE_SIZE_RULE } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { requestLoader } from '../../graphql/request-loader.js';
import { latestChangesOf, type ChangeEntity, type ChangeRow } from './change-record.service.js';

export const ChangeSource = builder.enumType('ChangeSource', {
  description: 'What made a change.',
  values: {
    USER: { description: 'A user edited the field through the API.' },
    SYNC: { description: 'A sync took the marketplace\'s value.' },
    CONFLICT_RESOLUTION: { description: 'A user resolved a sync conflict, or the conflict strategy did.' },
  } as const,
});

export const ChangeRecord = builder.objectRef<ChangeRow>('ChangeRecord').implement({
  description: 'One change of one field of a product, listing or order: who, when, from what to what.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id of the change.' }),
    field: t.exposeString('field', { description: 'The GraphQL field that changed, e.g. "price", "stock", "cost", "hidden", "status".' }),
    oldValue: t.exposeString('oldValue', { nullable: true, description: 'As text (decimals as "12.50", booleans as "true"); null for none.' }),
    newValue: t.exposeString('newValue', { nullable: true, description: 'As text, like oldValue.' }),
    actor: t.exposeString('actor', { description: 'Name of the API token that made the change, or the system part that did.' }),
    source: t.field({ type: ChangeSource, description: 'What made it.', resolve: (c) => c.source }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
  }),
});

const MAX_CHANGES = PAGE_SIZE.max;

/** One loader per entity type and page size, so every parent of a page is served by one statement. */
const changesLoader = (ctx: Context, entityType: ChangeEntity, first: number) =>
  requestLoader(ctx, `changes.${entityType}.${first}`, () => new DataLoader<string, ChangeRow[]>((ids) => latestChangesOf(ctx.prisma, entityType, ids, first)));

function changesField(entityType: ChangeEntity) {
  return builder.prismaObjectField(entityType, 'changes', (t) =>
    t.field({
      type: [ChangeRecord],
      description: `The history of this ${entityType.toLowerCase()}'s edits and synced changes, newest first; at most ${MAX_CHANGES}.`,
      args: { first: t.arg.int({ required: false, defaultValue: 20, description: `How many of the newest changes: default 20, ${PAGE_SIZE_RULE}; less than 1 counts as 1.` }) },
      select: { id: true },
      resolve: (parent, args, ctx) => {
        const first = Math.min(MAX_CHANGES, Math.max(1, args.first ?? 20));
        return changesLoader(ctx, entityType, first).load(parent.id);
      },
    }),
  );
}

changesField('Product');
changesField('Listing');
changesField('Order');
