import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { EVENT_VERSION, eventTypeNames, eventTypes, isEventType, type DomainEvent } from './event-types.js';

const DomainEventRef = builder.objectRef<DomainEvent>('DomainEvent').implement({
  description: 'Something that happened, as published to subscriptions and webhooks.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique per event; webhook bodies carry it as `id`.' }),
    type: t.exposeString('type', { description: 'e.g. batch.created; see eventTypes.' }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened (committed).', resolve: (e) => new Date(e.occurredAt) }),
    actor: t.exposeString('actor', { description: 'Name of the token that caused it, or "system".' }),
    payload: t.field({ type: 'JSON', description: 'What happened, with the changed entity; its shape depends on the type (see eventTypes and the README).', resolve: (e) => e.payload }),
  }),
});

const EventTypeRef = builder.simpleObject('EventType', {
  description: 'A kind of domain event that subscriptions and webhooks can receive.',
  fields: (t) => ({
    name: t.string({ description: 'Its name, e.g. batch.created: what domainEvents(types) and webhook events take.' }),
    description: t.string({ description: 'When it is published.' }),
    version: t.int({ description: 'Version of the payload shape; bumped on an incompatible change.' }),
    webhookEnabled: t.boolean({ description: 'Whether webhooks can subscribe to it (every type can).' }),
  }),
});

builder.queryFields((t) => ({
  eventTypes: t.field({
    type: [EventTypeRef],
    authScopes: { viewer: true },
    description: 'Every domain event type, with what it means.',
    resolve: () => eventTypeNames.map((name) => ({ name, description: eventTypes[name], version: EVENT_VERSION, webhookEnabled: true })),
  }),
}));

builder.subscriptionFields((t) => ({
  domainEvents: t.field({
    type: DomainEventRef,
    authScopes: { viewer: true },
    description: 'Domain events as they are committed; all of them, or only the given types.',
    args: { types: t.arg.stringList({ required: false, description: 'Only these event types (see eventTypes); an unknown one is a BAD_USER_INPUT error. Default: every type.' }) },
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
