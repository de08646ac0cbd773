import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { createToken, revokeToken } from './token.service.js';
import { accessErrorMeanings } from './token.errors.js';

const Role = builder.enumType('Role', {
  description: 'What a token may do. Roles are ordered: each may do everything the ones before it may.',
  values: {
    VIEWER: { description: 'Reads everything.' },
    OPERATOR: { description: 'Also triggers syncs, edits prices and stock, runs production.' },
    ADMIN: { description: 'Also manages accounts, credentials, webhooks and tokens.' },
  } as const,
});

export const AccessError = defineErrorType(
  'AccessError',
  accessErrorMeanings,
  'Why an API token mutation was refused; nothing was changed.',
);

export const ApiToken = builder.prismaObject('ApiToken', {
  description: 'A bearer credential. Its secret is shown once, on creation; only a hash is stored.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    name: t.exposeString('name', { description: 'Its name: who or what uses it (shown as the actor of what it changes).' }),
    role: t.expose('role', { type: Role, description: 'What it may do.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'When it was last used, to within a minute; null if never.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'After this it is refused; null: it does not expire.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked (refused from then on); null while valid.' }),
  }),
});

const Viewer = builder.simpleObject('Viewer', {
  description: 'The caller, as identified by its token.',
  fields: (t) => ({
    tokenId: t.id({ description: 'Id of the token used.' }),
    name: t.string({ description: 'Name of the token used.' }),
    role: t.field({ type: Role, description: 'Its role.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    authScopes: { viewer: true },
    description: 'Who you are: the token this request was sent with.',
    resolve: (_root, _args, ctx) => ctx.actor!,
  }),
  apiTokens: t.prismaConnection({
    type: 'ApiToken',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'API tokens, newest first (secrets are never shown, only their prefix).',
    args: { includeRevoked: t.arg.boolean({ required: false, defaultValue: false, description: 'List revoked tokens too; default false.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.apiToken.count({ where: args.includeRevoked ? {} : { revokedAt: null } }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.apiToken.findMany({ ...query, where: args.includeRevoked ? {} : { revokedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A new API token.',
  fields: (t) => ({
    name: t.string({ description: 'Who or what will use it; trimmed, 1 to 100 characters.' }),
    role: t.field({ type: Role, description: 'What it may do.' }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'When it stops working; must be in the future. Default: never.' }),
  }),
});

const CreateApiTokenPayload = builder.simpleObject('CreateApiTokenPayload', {
  description: 'The outcome of createApiToken: the token and its secret, or why it was refused.',
  fields: (t) => ({
    apiToken: t.field({ type: ApiToken, nullable: true, description: 'The new token; null when refused.' }),
    token: t.string({ nullable: true, description: 'The secret. Shown only in this response: store it now.' }),
    errors: t.field({ type: [AccessError] }),
  }),
});

const RevokeApiTokenPayload = builder.simpleObject('RevokeApiTokenPayload', {
  description: 'The outcome of revokeApiToken: the revoked token, or why it was refused.',
  fields: (t) => ({
    apiToken: t.field({ type: ApiToken, nullable: true, description: 'The token, now revoked; null when refused.' }),
    errors: t.field({ type: [AccessError] }),
  }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    authScopes: { admin: true },
    description: 'Creates an API token. The payload carries its secret (`token`): the only time it is shown.',
    args: { input: t.arg({ type: CreateApiTokenInput, description: 'Its name, role and expiry.' }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await runMutation('created', () => createToken(ctx, input));
      return { apiToken: result.created?.apiToken ?? null, token: result.created?.secret ?? null, errors: result.errors };
    },
  }),
  revokeApiToken: t.field({
    type: RevokeApiTokenPayload,
    authScopes: { admin: true },
    description: 'Revokes an API token at once: requests with it are refused from now on. A token cannot revoke itself.',
    args: {
      input: t.arg({
        description: 'The token to revoke.',
        type: builder.inputType('RevokeApiTokenInput', { description: 'Which token.', fields: (f) => ({ id: f.id({ description: 'The token id.' }) }) }),
      }),
    },
    resolve: (_root, { input }, ctx) => runMutation('apiToken', () => revokeToken(ctx, ctx.actor!, String(input.id))),
  }),
}));
