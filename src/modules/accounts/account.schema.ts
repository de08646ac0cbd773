import { isUuid } from '../../core/ids.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { channelRegistry, channels } from '../../connectors/channels.js';
import type { Channel as ChannelName } from '../../connectors/connector.js';
import { builder } from '../../graphql/builder.js';
import { secretInput } from '../../graphql/secret-redaction.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { accountErrorMeanings } from './account.errors.js';
import { createAccount, effectiveRateLimits, testAccountConnection, updateAccount } from './account.service.js';
import './channel.schema.js';


export const Channel = builder.enumType('Channel', {
  description: 'A marketplace (or storefront) Stockline sells on.',
  // The channel registry (connectors/channels.ts) names and describes them.
  values: Object.fromEntries(channels.map((c) => [c, { description: channelRegistry[c].description }])) as Record<ChannelName, { description: string }>,
});

export const FulfillmentType = builder.enumType('FulfillmentType', {
  description: 'Who ships the orders of an eMAG account.',
  values: {
    MAIN: { description: 'eMAG: fulfilled by the seller.' },
    FBE: { description: 'eMAG: fulfilled by eMAG.' },
  } as const,
});

export const ConflictStrategy = builder.enumType('ConflictStrategy', {
  description:
    "How a sync settles a price, stock or order status edited in Stockline (not yet confirmed by the marketplace) that the marketplace changed too since the last sync. Whatever the strategy, an order status (which Stockline never pushes) is not replaced by a marketplace value older than the edit; when the marketplace gives no modified time, a change is taken as newer only once a sync after the edit had seen the previous value.",
  values: {
    REMOTE_PRIORITY: { description: "The marketplace value replaces the edit (kept in the change history)." },
    LOCAL_PRIORITY: { description: 'The edit stands; a price or stock is pushed again.' },
    NEWEST_WINS: { description: "The later change wins, by the marketplace's modified time (or the time the sync saw the change, when it gives none) against the edit's time." },
    MANUAL: { description: 'Both values are kept in a SyncConflict until a person resolves it; nothing is pushed meanwhile.' },
  } as const,
});

const ConnectionErrorKind = builder.enumType('ConnectionErrorKind', {
  description: 'Why a connection to the marketplace failed.',
  values: {
    AUTH: { description: 'The marketplace refused the credentials.' },
    NETWORK: { description: 'The marketplace could not be reached.' },
    RATE_LIMIT: { description: 'The marketplace asked to slow down.' },
    REMOTE: { description: 'The marketplace answered with an error.' },
  } as const,
});

export const AccountError = defineErrorType('AccountError', accountErrorMeanings, 'Why an account mutation was refused; nothing was changed.');

const EffectiveRateLimit = builder.simpleObject('EffectiveRateLimit', {
  description: 'One endpoint class of an account and the request budget its connector paces to.',
  fields: (t) => ({
    endpointClass: t.string({ description: 'The class, as rateLimits overrides name it (e.g. "default", "orders", "prices").' }),
    limit: t.int({ description: 'Requests allowed per period.' }),
    periodMs: t.int({ description: 'The period, in milliseconds.' }),
    overridden: t.boolean({ description: "Whether this account's rateLimits set it (false: the marketplace's documented default)." }),
  }),
});

const ConnectionCheck = builder.simpleObject('ConnectionCheck', {
  description: 'One host or scope the account uses, as the connection test found it.',
  fields: (t) => ({
    name: t.string({ description: 'What was checked, e.g. "content API (content-api.wildberries.ru)" or "orders scope".' }),
    ok: t.boolean({ description: 'Whether it answered as expected.' }),
    kind: t.field({ type: ConnectionErrorKind, nullable: true, description: 'Why it failed, when it did.' }),
    message: t.string({ nullable: true, description: "The marketplace's or the connector's explanation, when it failed." }),
  }),
});

export const MarketplaceAccount = builder.prismaObject('MarketplaceAccount', {
  description: 'A seller account on one marketplace. Its credentials are stored encrypted and never returned.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    channel: t.expose('channel', { type: Channel, description: 'The marketplace; it cannot change.' }),
    name: t.exposeString('name', { description: 'Its name, unique across accounts (up to 200 characters).' }),
    fulfillment: t.expose('fulfillment', { type: FulfillmentType, nullable: true, description: 'eMAG only.' }),
    baseUrl: t.exposeString('baseUrl', { description: 'The marketplace API it talks to (http or https, no trailing slash).' }),
    rateLimits: t.expose('rateLimits', {
      type: 'JSON',
      nullable: true,
      description: 'Per endpoint class overrides of the documented limits: { "<class>": { "limit": n, "periodMs": ms } }. See effectiveRateLimits for what applies.',
    }),
    effectiveRateLimits: t.field({
      type: [EffectiveRateLimit],
      nullable: true,
      description:
        "The budget each endpoint class of this account's connector paces to: the marketplace's documented default, or this account's override (e.g. a Wildberries base token's lower limits). Null when the stored credentials cannot be read.",
      resolve: (account, _args, ctx) => effectiveRateLimits(ctx, account),
    }),
    options: t.expose('options', {
      type: 'JSON',
      description: "Non-secret options this account's connector reads (the channel's optionFields; see the channels query). Options not set take their documented default.",
    }),
    conflictStrategy: t.expose('conflictStrategy', { type: ConflictStrategy, description: "How its syncs settle conflicting edits (a triggerSync may override it per run)." }),
    syncTimeoutSeconds: t.exposeInt('syncTimeoutSeconds', {
      description: 'Longest one attempt of a sync run of this account may take; past it the attempt is stopped and logged, and the run is retried (syncRetries) or ends FAILED. Default 10800 (3 hours).',
    }),
    syncRetries: t.exposeInt('syncRetries', {
      description: 'Times a run whose attempt timed out is resumed from its last committed page before it ends FAILED. Default 2.',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Disabled accounts are not synced (triggerSync refuses them), their schedules do not fire, and they raise no alerts.' }),
    source: t.exposeString('source', { description: '"api" (created here), "env" (declared in the environment) or "sandbox".' }),
    hasCredentials: t.boolean({
      description: 'Whether credentials are stored. The credentials themselves are never returned.',
      select: { credentialsEncrypted: true },
      resolve: (a) => a.credentialsEncrypted.length > 0,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its settings last changed.' }),
    lastTestedAt: t.expose('lastTestedAt', { type: 'DateTime', nullable: true, description: 'When testAccountConnection last ran for it; null if never.' }),
    lastTestOk: t.exposeBoolean('lastTestOk', { nullable: true, description: 'Whether that test passed; null if never tested.' }),
  }),
});

const AccountFilter = builder.inputType('AccountFilter', {
  description: 'Which accounts: every given condition must hold.',
  fields: (t) => ({
    channel: t.field({ type: Channel, required: false, description: 'Only accounts of this channel.' }),
    enabled: t.boolean({ required: false, description: 'Only enabled (true) or only disabled (false) accounts.' }),
  }),
});

function accountWhere(filter: { channel?: Prisma.MarketplaceAccountWhereInput['channel'] | null; enabled?: boolean | null } | null | undefined) {
  const where: Prisma.MarketplaceAccountWhereInput = {};
  if (filter?.channel) where.channel = filter.channel;
  if (filter?.enabled != null) where.enabled = filter.enabled;
  return where;
}

builder.queryFields((t) => ({
  accounts: t.prismaConnection({
    type: 'MarketplaceAccount',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Marketplace accounts by name; at most 100 per page.',
    args: { filter: t.arg({ type: AccountFilter, required: false, description: 'Default: every account.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.marketplaceAccount.count({ where: accountWhere(args.filter) }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.marketplaceAccount.findMany({ ...query, where: accountWhere(args.filter), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  account: t.prismaField({
    type: 'MarketplaceAccount',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One marketplace account by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The account id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.marketplaceAccount.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

const AccountCredentialsInput = builder.inputType('AccountCredentialsInput', {
  description: 'eMAG: username and password. Ozon: clientId (digits) and apiKey. Wildberries and storefront: token.',
  // Every value in it is kept out of logs and echoed errors (src/graphql/secret-redaction.ts).
  extensions: secretInput,
  fields: (t) => ({
    username: t.string({ required: false, description: 'eMAG: the API user name.' }),
    password: t.string({ required: false, description: 'eMAG: the API password.' }),
    clientId: t.string({ required: false, description: 'Ozon: the Client-Id, digits only.' }),
    apiKey: t.string({ required: false, description: 'Ozon: the Api-Key.' }),
    token: t.string({ required: false, description: 'Wildberries: the API token from the seller portal; storefront: its bearer token.' }),
  }),
});

/** The per-channel defaults, read from the channel registry so the description cannot drift from what createAccount does. */
const defaultStrategyDescription = `Default by channel: ${channels.map((c) => `${c} ${channelRegistry[c].defaultConflictStrategy.strategy}`).join(', ')} (channels { defaultConflictStrategy defaultConflictStrategyReason } says why).`;

const CreateAccountInput = builder.inputType('CreateAccountInput', {
  description: 'A new marketplace account.',
  fields: (t) => ({
    channel: t.field({ type: Channel, description: 'The marketplace; fixed once created.' }),
    name: t.string({ description: 'Unique; trimmed, 1 to 200 characters.' }),
    fulfillment: t.field({ type: FulfillmentType, required: false, description: 'Required for eMAG; not allowed for other channels.' }),
    baseUrl: t.string({ description: 'http(s) URL of the marketplace API.' }),
    credentials: t.field({ type: AccountCredentialsInput, description: "The channel's credentials (see channels { credentialFields }); stored encrypted, never returned." }),
    rateLimits: t.field({ type: 'JSON', required: false, description: 'Overrides of the documented limits per endpoint class: { "<class>": { "limit": n, "periodMs": ms } }.' }),
    options: t.field({ type: 'JSON', required: false, description: "The channel's options (see channels { optionFields }), nested as named: { \"hosts\": { \"content\": \"https://…\" } }. Unknown options are refused." }),
    conflictStrategy: t.field({ type: ConflictStrategy, required: false, description: defaultStrategyDescription }),
    enabled: t.boolean({ required: false, description: 'Default true.' }),
    syncTimeoutSeconds: t.int({ required: false, description: 'Longest attempt of one sync run, 1 to 86400 seconds; default 10800 (3 hours).' }),
    syncRetries: t.int({ required: false, description: 'Retries of a run whose attempt timed out, 0 to 10; default 2.' }),
  }),
});

const UpdateAccountInput = builder.inputType('UpdateAccountInput', {
  description: 'Fields left out keep their value; credentials are replaced only when given. The channel cannot change.',
  fields: (t) => ({
    id: t.id({ description: 'The account id.' }),
    name: t.string({ required: false, description: 'New unique name; 1 to 200 characters.' }),
    fulfillment: t.field({ type: FulfillmentType, required: false, description: 'eMAG only: MAIN or FBE.' }),
    baseUrl: t.string({ required: false, description: 'New http(s) URL of the marketplace API.' }),
    credentials: t.field({ type: AccountCredentialsInput, required: false, description: 'Replaces every stored credential; give the whole set of the channel.' }),
    rateLimits: t.field({ type: 'JSON', required: false, description: 'Replaces the overrides when given.' }),
    options: t.field({
      type: 'JSON',
      required: false,
      description: 'Merged into the stored options: each option given replaces that option (a nested one such as hosts as a whole), null removes it, options not given stay.',
    }),
    conflictStrategy: t.field({ type: ConflictStrategy, required: false, description: 'New default strategy for its syncs.' }),
    enabled: t.boolean({ required: false, description: 'Enable (true) or disable (false) syncing it.' }),
    syncTimeoutSeconds: t.int({ required: false, description: 'Longest attempt of one sync run, 1 to 86400 seconds; applies to attempts started from now on.' }),
    syncRetries: t.int({ required: false, description: 'Retries of a run whose attempt timed out, 0 to 10.' }),
  }),
});

const AccountPayload = builder.simpleObject('AccountPayload', {
  description: 'The outcome of an account mutation: the account, or why it was refused.',
  fields: (t) => ({
    account: t.field({ type: MarketplaceAccount, nullable: true, description: 'The account after the change; null when refused.' }),
    errors: t.field({ type: [AccountError] }),
  }),
});

const TestAccountConnectionPayload = builder.simpleObject('TestAccountConnectionPayload', {
  description: 'The outcome of testAccountConnection: whether the marketplace accepted the account, check by check.',
  fields: (t) => ({
    ok: t.boolean({ nullable: true, description: 'Whether the marketplace accepted the credentials; null when the test was refused (see errors).' }),
    kind: t.field({ type: ConnectionErrorKind, nullable: true, description: 'Why the connection failed, when it did.' }),
    message: t.string({ nullable: true, description: 'On failure, names the check that failed and why.' }),
    checks: t.field({
      type: [ConnectionCheck],
      nullable: true,
      description: 'Every host and scope the account will use, in the order they were tried; null when the test was refused.',
    }),
    account: t.field({ type: MarketplaceAccount, nullable: true, description: 'The account with lastTestedAt and lastTestOk updated; null when the test was refused.' }),
    errors: t.field({ type: [AccountError] }),
  }),
});

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: AccountPayload,
    authScopes: { admin: true },
    description: 'Adds a marketplace account with its credentials (checked against the channel, stored encrypted). It is not tested here: call testAccountConnection.',
    args: { input: t.arg({ type: CreateAccountInput, description: 'The account.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('account', () =>
        createAccount(ctx, ctx.actor!, { ...input, credentials: { ...input.credentials }, rateLimits: input.rateLimits as never, options: input.options as never }),
      ),
  }),
  updateAccount: t.field({
    type: AccountPayload,
    authScopes: { admin: true },
    description: 'Changes the given settings of an account; credentials only when given. A disabled account is not synced and raises no alerts.',
    args: { input: t.arg({ type: UpdateAccountInput, description: 'The account and its new settings.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('account', () =>
        updateAccount(ctx, ctx.actor!, {
          ...input,
          id: String(input.id),
          credentials: input.credentials ? { ...input.credentials } : null,
          rateLimits: input.rateLimits as never,
          options: input.options as never,
        }),
      ),
  }),
  testAccountConnection: t.field({
    type: TestAccountConnectionPayload,
    authScopes: { operator: true },
    description: 'Signs in to the marketplace once with the stored credentials; records lastTestedAt and lastTestOk.',
    args: {
      input: t.arg({
        description: 'The account to test.',
        type: builder.inputType('TestAccountConnectionInput', { description: 'Which account.', fields: (f) => ({ id: f.id({ description: 'The account id.' }) }) }),
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      const result = await runMutation('test', () => testAccountConnection(ctx, ctx.actor!, { id: String(input.id) }));
      const test = result.test;
      return { ok: test?.ok ?? null, kind: test?.kind ?? null, message: test?.message ?? null, checks: test?.checks ?? null, account: test?.account ?? null, errors: result.errors };
    },
  }),
}));
