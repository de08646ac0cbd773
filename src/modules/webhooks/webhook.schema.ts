import { GraphQLError } from 'graphql';
import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { secretInput } from '../../graphql/secret-redaction.js';
import { isUuid } from '../../core/ids.js';
import { defineErrorType, runMutation, type Payload } from '../../graphql/payload.js';
import { isEventType } from '../../events/event-types.js';
import type { WebhookAttemptEvent } from './webhook.events.js';
import { webhookErrorMeanings } from './webhook.errors.js';
import { deliveryFilterRules, deliveryQueryFilterRules, deliveryWhere } from './webhook.filters.js';
import { filterRules } from '../../graphql/arg-rules.plugin.js';
import { rangeEndRule } from '../../shared/date-range.js';
import { replayWebhookDeliveries } from './webhook.replay.js';
import { parseArg } from '../../graphql/query-error.js';
import { BackgroundTaskRef } from '../tasks/task.schema.js';
import { createWebhook, deleteWebhook, redeliverWebhookDelivery, rotateWebhookSecret, updateWebhook, type WithSecret } from './webhook.service.js';

export const WebhookError = defineErrorType('WebhookError', webhookErrorMeanings, 'Why a webhook mutation was refused; nothing was changed.');

export const WebhookDeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a webhook delivery stands; SUCCESS, FAILED and DEAD are final (a DEAD one can be replayed).',
  values: {
    PENDING: { description: 'Waiting for its first attempt or for a retry (see nextAttemptAt).' },
    SUCCESS: { description: 'The receiver answered 2xx.' },
    FAILED: {
      description: 'Stopped without a dead letter: the receiver asked not to retry it (response header webhook-delivery: abort). Deliveries that spent their retries before dead letters existed are FAILED too.',
    },
    DEAD: { description: 'A dead letter: every attempt (1 + retryCount) failed, or its endpoint answered 410 Gone. Listed with the DEAD filter and sent again by replayWebhookDeliveries.' },
  } as const,
});

export const WebhookDeadLetterPolicy = builder.enumType('WebhookDeadLetterPolicy', {
  description: 'What a dead letter does to the later deliveries of its ordering key (ordered webhooks).',
  values: {
    SKIP: { description: 'Default: once a delivery is DEAD, the next one of its key is sent (the dead letter waits for a replay).' },
    HOLD: { description: 'The later deliveries of its key wait until the dead letter is replayed (replayWebhookDeliveries).' },
  } as const,
});

export const Webhook = builder.prismaObject('WebhookSubscription', {
  name: 'Webhook',
  description:
    'A webhook subscription. Its signing secret is stored encrypted and returned only by createWebhook and rotateWebhookSecret. ' +
    'Each delivery carries X-Webhook-Event, X-Webhook-Id (the delivery id, stable across retries), X-Webhook-Timestamp (unix seconds), ' +
    'X-Webhook-Signature (sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>) and the Standard Webhooks headers webhook-id, ' +
    'webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256(secret, id + "." + timestamp + "." + body)>; configure libraries with ' +
    '"whsec_" + base64 of the secret\'s UTF-8 bytes, as returned in standardWebhooksSecret).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    url: t.exposeString('url', { description: 'Where events are POSTed (http or https).' }),
    events: t.exposeStringList('events', { description: 'Event type names it receives; empty means every event.' }),
    description: t.exposeString('description', { nullable: true, description: 'Your note about it (up to 1000 characters); null when none.' }),
    active: t.exposeBoolean('active', { description: 'Inactive: no new deliveries are recorded and pending ones wait until it is active again.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When its health disabled it (see disabledReason); null while enabled or paused by hand.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Why it was disabled: its endpoint failed for the whole health window (WEBHOOK_DISABLE_AFTER_HOURS) or answered 410 Gone.' }),
    failingSince: t.expose('failingSince', { type: 'DateTime', nullable: true, description: 'Since when every attempt has failed; null after a success. It is disabled once this is WEBHOOK_DISABLE_AFTER_HOURS old.' }),
    pausedUntil: t.expose('pausedUntil', { type: 'DateTime', nullable: true, description: 'Nothing is sent to it before this time: its receiver answered 429 or 503 with Retry-After. Null or past: not paused.' }),
    retryCount: t.exposeInt('retryCount', { description: 'Attempts after the first before a delivery is DEAD (0 to 20), with exponential backoff between them.' }),
    timeoutMs: t.exposeInt('timeoutMs', { description: 'How long one attempt may take, in milliseconds (100 to 30000).' }),
    ordered: t.exposeBoolean('ordered', {
      description:
        'true (default): deliveries with the same ordering key (the object the event is about) are sent one at a time, in commit order; a later one waits while an earlier one is pending or retrying. false: sent as they come, in parallel (faster).',
    }),
    deadLetterPolicy: t.expose('deadLetterPolicy', { type: WebhookDeadLetterPolicy, description: 'What a DEAD delivery does to the later deliveries of its key, when ordered.' }),
    maxPerSecond: t.exposeInt('maxPerSecond', { nullable: true, description: 'Requests per second at most, across every worker instance (the shared rate limiter); null: no limit.' }),
    contactEmail: t.exposeString('contactEmail', { nullable: true, description: 'Mailed when the webhook is disabled (if the server has SMTP); null: nobody.' }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until when the secret before the last rotation still signs beside the current one (a second webhook-signature entry); null when it no longer does.',
      select: { previousSecretUntil: true },
      resolve: (w) => (w.previousSecretUntil && w.previousSecretUntil.getTime() > Date.now() ? w.previousSecretUntil : null),
    }),
    secretRotatedAt: t.expose('secretRotatedAt', { type: 'DateTime', nullable: true, description: 'When its secret was last rotated; null if never.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its settings last changed.' }),
  }),
});

export const WebhookAttempt = builder.prismaObject('WebhookAttempt', {
  description: 'One HTTP attempt of a delivery.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt', { description: '1 for the first attempt.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the request was sent.' }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds.' }),
    success: t.exposeBoolean('success', { description: 'Whether the receiver answered 2xx.' }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'The HTTP status answered; null when no answer came (timeout, refused connection).' }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The first 1 KB of the response body.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed (non-2xx status, timeout, network error); null on success.' }),
  }),
});

export const WebhookDelivery = builder.prismaObject('WebhookDelivery', {
  description: 'One event sent to one webhook. Its id is the X-Webhook-Id / webhook-id receivers dedupe on; it stays the same across retries.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The delivery id, sent as X-Webhook-Id and webhook-id.' }),
    webhookId: t.exposeID('subscriptionId', { description: 'The webhook it was sent to.' }),
    eventId: t.exposeString('eventId', { description: 'The domain event id, also `id` in the body; a redelivery keeps it.' }),
    eventType: t.exposeString('eventType', { description: 'The event type (e.g. batch.created), sent as X-Webhook-Event.' }),
    body: t.exposeString('body', { description: 'The JSON body exactly as sent (signatures are over these bytes).' }),
    status: t.expose('status', { type: WebhookDeliveryStatus, description: 'Where it stands.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'Of the last attempt.' }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: 'The first 1 KB of the last response body.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why the last attempt failed.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the receiver accepted it (2xx); null until SUCCESS.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When it was last tried; null before the first attempt.' }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it is tried next; null once SUCCESS, FAILED or DEAD.',
      select: { status: true, nextAttemptAt: true },
      resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded (with the change that caused the event).' }),
    orderingKey: t.exposeString('orderingKey', { nullable: true, description: 'The object the event is about (batch:<id>, work_center:<id>, listing:<id>, order:<id>, account:<id>), also `orderingKey` in the body; null when none.' }),
    sequence: t.exposeInt('sequence', { nullable: true, description: "The event's number in its ordering key's sequence, increasing in commit order (also `sequence` in the body); null without a key." }),
    replayedAt: t.expose('replayedAt', { type: 'DateTime', nullable: true, description: 'When replayWebhookDeliveries sent it again as a new delivery; null if it has not.' }),
    replayOf: t.exposeID('replayOf', { nullable: true, description: 'The delivery this one replays (replayWebhookDeliveries); null for an original.' }),
    attemptLog: t.relation('attemptLog', { query: { orderBy: { attempt: 'asc' } }, description: 'Every attempt, first to last.' }),
  }),
});

const WebhookFilter = builder.inputType('WebhookFilter', {
  description: 'Which webhooks: every given condition must hold.',
  fields: (t) => ({
    eventType: t.string({ required: false, description: 'Webhooks that receive this event type (listing it, or listing none: all).' }),
    active: t.boolean({ required: false, description: 'Only active (true) or only inactive (false) webhooks.' }),
  }),
});

const WebhookDeliveryFilter = builder.inputType('WebhookDeliveryFilter', {
  description: 'Which webhook deliveries: every given condition must hold; fields left out do not filter. replayWebhookDeliveries takes the same filter.',
  fields: (t) => ({
    webhookId: t.id({ required: false, description: 'Deliveries to this webhook.' }),
    status: t.field({ type: WebhookDeliveryStatus, required: false, description: 'Deliveries in this status (DEAD: the dead letters).' }),
    eventTypes: t.stringList({ required: false, description: 'Deliveries of these event types (see eventTypes), at most 100.' }),
    since: t.field({ type: 'DateTime', required: false, description: 'Recorded at or after this time.' }),
    until: t.field({ type: 'DateTime', required: false, description: `Recorded before this time. ${rangeEndRule('since')}` }),
  }),
});

type DeliveryFilterArg = { webhookId?: string | number | null; status?: string | null; eventTypes?: string[] | null; since?: Date | null; until?: Date | null };

/** The list's condition: the filter, with the older webhookId and status arguments folded in. */
function deliveriesWhere(args: { webhookId?: string | number | null; status?: string | null; filter?: DeliveryFilterArg | null }): Prisma.WebhookDeliveryWhereInput {
  const filter = { ...args.filter, webhookId: args.filter?.webhookId ?? args.webhookId, status: args.filter?.status ?? args.status };
  // An id that is no UUID matches nothing (as webhook(id) answers null), rather than an error.
  if (filter.webhookId != null && !isUuid(String(filter.webhookId))) return { id: { in: [] } };
  return deliveryWhere(parseArg(deliveryFilterRules, { ...filter, webhookId: filter.webhookId == null ? null : String(filter.webhookId) }, 'filter'));
}

function webhookWhere(filter: { eventType?: string | null; active?: boolean | null } | null | undefined): Prisma.WebhookSubscriptionWhereInput {
  const where: Prisma.WebhookSubscriptionWhereInput = {};
  if (filter?.eventType) {
    if (!isEventType(filter.eventType)) {
      throw new GraphQLError(`Unknown event type: ${filter.eventType}. See the eventTypes query.`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    where.OR = [{ events: { has: filter.eventType } }, { events: { isEmpty: true } }];
  }
  if (filter?.active != null) where.active = filter.active;
  return where;
}

builder.queryFields((t) => ({
  webhooks: t.prismaConnection({
    type: 'WebhookSubscription',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Webhook subscriptions, oldest first; at most 100 per page.',
    args: { filter: t.arg({ type: WebhookFilter, required: false, description: 'Default: every webhook. An unknown event type is a BAD_USER_INPUT error.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.webhookSubscription.count({ where: webhookWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.webhookSubscription.findMany({ ...query, where: webhookWhere(args.filter), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
  webhook: t.prismaField({
    type: 'WebhookSubscription',
    nullable: true,
    authScopes: { admin: true },
    description: 'One webhook by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The webhook id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.webhookSubscription.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
  webhookDeliveries: t.prismaConnection({
    type: 'WebhookDelivery',
    cursor: 'id',
    authScopes: { admin: true },
    argRules: filterRules(deliveryQueryFilterRules),
    description: 'Webhook deliveries, newest first; at most 100 per page. Give a webhook (webhookId or filter.webhookId) for its delivery log, status DEAD for the dead letters.',
    args: {
      webhookId: t.arg.id({ required: false, description: 'The webhook whose deliveries to list (the same as filter.webhookId); default every webhook.' }),
      status: t.arg({ type: WebhookDeliveryStatus, required: false, description: 'Only deliveries in this status (the same as filter.status); default all.' }),
      filter: t.arg({ type: WebhookDeliveryFilter, required: false, description: 'Which deliveries; a rule broken (until before since, an unknown event type) is BAD_USER_INPUT (reason VALIDATION).' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.webhookDelivery.count({ where: deliveriesWhere(args) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.webhookDelivery.findMany({ ...query, where: deliveriesWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  description: 'A new webhook subscription.',
  fields: (t) => ({
    url: t.string({ description: 'http(s) URL, at most 2000 characters; private, loopback and link-local targets are refused unless the server allows them.' }),
    events: t.stringList({ required: false, description: 'Event type names (see eventTypes), at most 100; empty or left out: every event.' }),
    secret: t.string({ required: false, extensions: secretInput, description: '24 to 256 characters; generated when left out. Returned once, in this payload.' }),
    active: t.boolean({ required: false, description: 'Default true.' }),
    retryCount: t.int({ required: false, description: '0..20, default 5.' }),
    timeoutMs: t.int({ required: false, description: '100..30000, default 10000.' }),
    ordered: t.boolean({ required: false, description: 'Keep commit order per ordering key (default true for a new webhook); false sends in parallel.' }),
    deadLetterPolicy: t.field({ type: WebhookDeadLetterPolicy, required: false, description: 'SKIP (default for a new webhook) or HOLD: what a dead letter does to the later deliveries of its key.' }),
    maxPerSecond: t.int({ required: false, description: 'Requests per second at most (1 to 1000), across every worker; left out: no limit.' }),
    contactEmail: t.string({ required: false, description: 'Who is mailed when the webhook is disabled (needs SMTP on the server).' }),
    description: t.string({ required: false, description: 'Your note about it; at most 1000 characters.' }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  description: 'Fields left out keep their value. The secret changes only through rotateWebhookSecret.',
  fields: (t) => ({
    id: t.id({ description: 'The webhook id.' }),
    url: t.string({ required: false, description: 'New target URL; the same rules as createWebhook (TARGET_REFUSED).' }),
    events: t.stringList({ required: false, description: 'Replaces the list; [] means every event.' }),
    active: t.boolean({ required: false, description: 'Pause (false) or resume (true) deliveries.' }),
    retryCount: t.int({ required: false, description: '0 to 20.' }),
    timeoutMs: t.int({ required: false, description: '100 to 30000 milliseconds.' }),
    ordered: t.boolean({ required: false, description: 'Keep commit order per ordering key (default true for a new webhook); false sends in parallel.' }),
    deadLetterPolicy: t.field({ type: WebhookDeadLetterPolicy, required: false, description: 'SKIP (default for a new webhook) or HOLD: what a dead letter does to the later deliveries of its key.' }),
    maxPerSecond: t.int({ required: false, description: 'Requests per second at most (1 to 1000), across every worker; null: no limit; left out: unchanged.' }),
    contactEmail: t.string({ required: false, description: 'Who is mailed when the webhook is disabled (needs SMTP on the server); null: nobody; left out: unchanged.' }),
    replayDeadLetters: t.boolean({
      required: false,
      description: 'true: replay its dead letters (a replayWebhookDeliveries task, see replayTask), e.g. when enabling it again after it was disabled; default false: they stay DEAD. Pending deliveries are sent once it is active either way.',
    }),
    description: t.string({ required: false, description: 'New note; at most 1000 characters.' }),
  }),
});

const secretFields = {
  secret: 'The signing secret, shown this once: it is never returned again.',
  standardWebhooksSecret: 'The same secret for Standard Webhooks libraries: "whsec_" + base64 of its UTF-8 bytes.',
};

const CreateWebhookPayload = builder.simpleObject('CreateWebhookPayload', {
  description: 'The outcome of createWebhook: the webhook and its secret, or why it was refused.',
  fields: (t) => ({
    webhook: t.field({ type: Webhook, nullable: true, description: 'The new webhook; null when refused.' }),
    secret: t.string({ nullable: true, description: secretFields.secret }),
    standardWebhooksSecret: t.string({ nullable: true, description: secretFields.standardWebhooksSecret }),
    errors: t.field({ type: [WebhookError] }),
  }),
});

const RotateWebhookSecretPayload = builder.simpleObject('RotateWebhookSecretPayload', {
  description: 'The outcome of rotateWebhookSecret: the webhook and its new secret, or why it was refused.',
  fields: (t) => ({
    webhook: t.field({ type: Webhook, nullable: true, description: 'The webhook; null when refused.' }),
    secret: t.string({ nullable: true, description: secretFields.secret }),
    standardWebhooksSecret: t.string({ nullable: true, description: secretFields.standardWebhooksSecret }),
    errors: t.field({ type: [WebhookError] }),
  }),
});

const WebhookPayload = builder.simpleObject('WebhookPayload', {
  description: 'The outcome of a webhook mutation: the webhook, or why it was refused.',
  fields: (t) => ({
    webhook: t.field({ type: Webhook, nullable: true, description: 'The webhook after the change (as it was, for deleteWebhook); null when refused.' }),
    replayTask: t.field({ type: BackgroundTaskRef, nullable: true, description: 'updateWebhook with replayDeadLetters: the task replaying its dead letters; null otherwise.' }),
    errors: t.field({ type: [WebhookError] }),
  }),
});

const RedeliverWebhookDeliveryPayload = builder.simpleObject('RedeliverWebhookDeliveryPayload', {
  description: 'The outcome of redeliverWebhookDelivery: the new delivery, or why it was refused.',
  fields: (t) => ({
    delivery: t.field({ type: WebhookDelivery, nullable: true, description: 'The new delivery (new id, same body and event id).' }),
    errors: t.field({ type: [WebhookError] }),
  }),
});

const ReplayWebhookDeliveriesPayload = builder.simpleObject('ReplayWebhookDeliveriesPayload', {
  description: 'The outcome of replayWebhookDeliveries: the replay task (follow it with task or taskProgress), or why none was queued.',
  fields: (t) => ({
    task: t.field({ type: BackgroundTaskRef, nullable: true, description: 'The task; its result is { replayed, deliveryIds } (the new deliveries, the first 10000 listed). Null when refused.' }),
    errors: t.field({ type: [WebhookError] }),
  }),
});

const ReplayWebhookDeliveriesInput = builder.inputType('ReplayWebhookDeliveriesInput', {
  description: 'Which deliveries of which webhook to send again.',
  fields: (t) => ({
    webhookId: t.id({ description: 'The webhook whose deliveries are replayed.' }),
    filter: t.field({ type: WebhookDeliveryFilter, required: false, description: 'Which of its deliveries (its webhookId is ignored); status defaults to DEAD.' }),
  }),
});

const idInput = (name: string, what: string) => builder.inputType(name, { description: `Which ${what}.`, fields: (f) => ({ id: f.id({ description: `The ${what} id.` }) }) });

/** A payload that shows the secret: the only place it leaves the server. */
function secretPayload(result: Payload<'created', WithSecret>) {
  const created = result.created;
  return { webhook: created?.webhook ?? null, secret: created?.secret ?? null, standardWebhooksSecret: created?.standardWebhooksSecret ?? null, errors: result.errors };
}

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    authScopes: { admin: true },
    description: 'Subscribes a URL to events. The payload carries the signing secret: the only time it is shown.',
    args: { input: t.arg({ type: CreateWebhookInput, description: 'The URL, events and delivery settings.' }) },
    resolve: async (_r, { input }, ctx) => secretPayload(await runMutation('created', () => createWebhook(ctx, ctx.actor!, input))),
  }),
  updateWebhook: t.field({
    type: WebhookPayload,
    authScopes: { admin: true },
    description: 'Changes the given settings of a webhook; the secret changes only through rotateWebhookSecret.',
    args: { input: t.arg({ type: UpdateWebhookInput, description: 'The webhook and its new settings.' }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await runMutation('updated', () => updateWebhook(ctx, ctx.actor!, { ...input, id: String(input.id) }));
      return { webhook: result.updated?.webhook ?? null, replayTask: result.updated?.replayTask ?? null, errors: result.errors };
    },
  }),
  deleteWebhook: t.field({
    type: WebhookPayload,
    authScopes: { admin: true },
    description: 'Deletes the webhook with its delivery log; pending deliveries are dropped.',
    args: { input: t.arg({ type: idInput('DeleteWebhookInput', 'webhook'), description: 'The webhook to delete.' }) },
    resolve: (_r, { input }, ctx) => runMutation('webhook', () => deleteWebhook(ctx, ctx.actor!, { id: String(input.id) })),
  }),
  rotateWebhookSecret: t.field({
    type: RotateWebhookSecretPayload,
    authScopes: { admin: true },
    description:
      'Replaces the signing secret (given, or generated): every request sent from now on, retries included, is signed with the new one, and for the grace period (graceSeconds, default 24 h) with the previous one too: webhook-signature carries both entries, so receivers still holding the old secret verify until they switch. Shown this once.',
    args: {
      input: t.arg({
        description: 'The webhook, and optionally its new secret.',
        type: builder.inputType('RotateWebhookSecretInput', {
          description: 'Which webhook, and its new secret.',
          fields: (f) => ({
            id: f.id({ description: 'The webhook id.' }),
            secret: f.string({ required: false, extensions: secretInput, description: '24 to 256 characters; generated when left out.' }),
            graceSeconds: f.int({
              required: false,
              description: 'How long the previous secret keeps signing beside the new one (0 to 2592000 seconds; 0: it stops at once). Default WEBHOOK_SECRET_GRACE_HOURS (24 h).',
            }),
          }),
        }),
      }),
    },
    resolve: async (_r, { input }, ctx) =>
      secretPayload(await runMutation('created', () => rotateWebhookSecret(ctx, ctx.actor!, { id: String(input.id), secret: input.secret, graceSeconds: input.graceSeconds }))),
  }),
  replayWebhookDeliveries: t.field({
    type: ReplayWebhookDeliveriesPayload,
    authScopes: { admin: true },
    description:
      'Sends every delivery of a webhook that matches the filter (default: its dead letters) again, in the background: each as a new delivery (new id, the original body, ordering key and sequence), each delivery once (it is marked replayedAt). The same request while its task is queued or running returns that task.',
    args: { input: t.arg({ type: ReplayWebhookDeliveriesInput, description: 'The webhook and the filter.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('task', () =>
        replayWebhookDeliveries(ctx, ctx.actor!, {
          webhookId: String(input.webhookId),
          filter: input.filter ? { ...input.filter, webhookId: null } : null,
        }),
      ),
  }),
  redeliverWebhookDelivery: t.field({
    type: RedeliverWebhookDeliveryPayload,
    authScopes: { admin: true },
    description:
      'Sends a delivery again as a new delivery: a new id (so receivers deduping on X-Webhook-Id accept it) with the same body, whose `id` is still the event id. The original keeps its log.',
    args: { input: t.arg({ type: idInput('RedeliverWebhookDeliveryInput', 'delivery'), description: 'The delivery to send again.' }) },
    resolve: (_r, { input }, ctx) => runMutation('delivery', () => redeliverWebhookDelivery(ctx, ctx.actor!, { id: String(input.id) })),
  }),
}));

const WebhookAttemptEventRef = builder.objectRef<WebhookAttemptEvent>('WebhookAttemptEvent').implement({
  description: 'The outcome of one delivery attempt, as it happens.',
  fields: (t) => ({
    webhookId: t.exposeID('webhookId', { description: 'The webhook.' }),
    deliveryId: t.exposeID('deliveryId', { description: 'The delivery tried.' }),
    eventId: t.exposeString('eventId', { description: 'The domain event id.' }),
    eventType: t.exposeString('eventType', { description: 'The event type.' }),
    attempt: t.exposeInt('attempt', { description: 'Which attempt of the delivery, 1 for the first.' }),
    success: t.exposeBoolean('success', { description: 'Whether the receiver answered 2xx.' }),
    status: t.field({ type: WebhookDeliveryStatus, description: 'The delivery after this attempt.', resolve: (e) => e.status as never }),
    responseStatus: t.exposeInt('responseStatus', { nullable: true, description: 'The HTTP status answered; null when no answer came.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed; null on success.' }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took, in milliseconds.' }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When the retry is due, while the delivery is PENDING; null otherwise.', resolve: (e) => (e.nextAttemptAt ? new Date(e.nextAttemptAt) : null) }),
    at: t.field({ type: 'DateTime', description: 'When the attempt finished.', resolve: (e) => new Date(e.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  webhookDelivery: t.field({
    type: WebhookAttemptEventRef,
    authScopes: { admin: true },
    description: "Each delivery attempt of one webhook, as it finishes (success, a failure with its retry time, or the final failure).",
    args: { webhookId: t.arg.id({ description: 'The webhook to watch.' }) },
    subscribe: (_root, { webhookId }, ctx) => ctx.events.webhookAttempts(String(webhookId)),
    resolve: (event) => event,
  }),
}));
