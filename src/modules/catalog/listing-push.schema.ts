import DataLoader from 'dataloader';
import { builder } from '../../graphql/builder.js';
import { requestLoader } from '../../graphql/request-loader.js';
import { latestPushesOf, type ListingPushRow } from './listing-push.service.js';

const PushKind = builder.enumType('PushKind', {
  description: 'Which value a push sends to the marketplace.',
  values: { PRICE: { description: "The listing's price." }, STOCK: { description: "The listing's stock." } } as const,
});

const PushState = builder.enumType('PushState', {
  description: "Where a user's edit stands on its way to the marketplace.",
  values: {
    QUEUED: { description: 'Waiting for its first attempt.' },
    RETRYING: { description: 'An attempt failed (see error); it is tried again at nextAttemptAt.' },
    PUSHED: { description: 'The marketplace accepted the value.' },
    FAILED: { description: 'Given up: the marketplace refused the value or every attempt failed (see error).' },
    SUPERSEDED: { description: 'Not sent: a newer edit, a sync or a conflict decision replaced the value first.' },
  } as const,
});

const ListingPush = builder.objectRef<ListingPushRow>('ListingPush').implement({
  description: "The newest push of one value (price or stock) of a listing: a user's edit on its way to the marketplace.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id of the push.' }),
    kind: t.field({ type: PushKind, description: 'Price or stock.', resolve: (p) => p.kind }),
    value: t.exposeString('value', { description: 'The value pushed: a decimal price ("12.50", in the listing\'s currency) or a stock count.' }),
    state: t.field({ type: PushState, description: 'Where it stands.', resolve: (p) => p.state }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    error: t.exposeString('lastError', { nullable: true, description: "Why the last attempt failed, in the marketplace's words where it gave them; null when none failed (or the push then succeeded)." }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When it is tried next, while QUEUED or RETRYING; null once settled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the edit queued it.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it was settled (pushed, failed or superseded); null while waiting.' }),
  }),
});

builder.prismaObjectField('Listing', 'pushes', (t) =>
  t.field({
    type: [ListingPush],
    description: "The newest push of each value a user edited (price first, then stock); empty when no edit was ever pushed. Follow changes with domainEvents(types: [\"listing.push_updated\"]).",
    // At most one push per kind: two items, not the default list estimate of ten.
    complexity: { field: 1, multiplier: 2 },
    select: { id: true },
    resolve: (listing, _args, ctx) => requestLoader(ctx, 'listing.pushes', () => new DataLoader<string, ListingPushRow[]>((ids) => latestPushesOf(ctx.prisma, ids))).load(listing.id),
  }),
);
