import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { EVENT_VERSION, eventTypeNames, eventTypes, isEventType, type DomainEvent } from './event-types.js';

const DomainEventRef = builder.objectRef<DomainEvent>('DomainEvent').implement({
  description: 'Something that happened, as published to subscriptions and webhooks.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type', { description: 'e.g. batch.created; see eventTypes.' }),
    occurredAt: t.field({ type: 'DateTime', resolve: (e) => new Date(e.occurredAt) }),
    actor: t.exposeString('actor', { description: 'Name of the token that caused it, or "system".' }),
    payload: t.field({ type: 'JSON', resolve: (e) => e.payload }),
  }),
});

const EventTypeRef = builder.simpleObject('EventType', {
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    version: t.int({ description: 'Version of the payload shape; bumped on an incompatible change.' }),
    webhookEnabled: t.boolean({ description: 'Whether webhooks can subscribe to it (every type can).' }),
  }),
});

builder.queryFields((t) => ({
  eventTypes: t.field({
    type: [EventTypeRef],
    authScopes: { viewer: true },
    resolve: () => eventTypeNames.map((name) => ({ name, description: eventTypes[name], version: EVENT_VERSION, webhookEnabled: true })),
  }),
}));

builder.subscriptionFields((t) => ({
  domainEvents: t.field({
    type: DomainEventRef,
    authScopes: { viewer: true },
    description: 'Domain events as they are committed; all of them, or only the given types.',
    args: { types: t.arg.stringList({ required: false }) },
    subscribe: (_root, { types }, ctx) => {
      const unknown = (types ?? []).filter((name) => !isEventType(name));
      if (unknown.length) {
        throw new GraphQLError(`Unknown event type(s): ${unknown.join(', ')}. See the eventTypes query.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      return ctx.events.subscribe((types ?? []).filter(isEventType));
    },
    resolve: (event) => event,
  }),
}));
