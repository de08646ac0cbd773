import { builder } from '../../graphql/builder.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { createToken, revokeToken } from './token.service.js';
import { accessErrorCodes } from './token.errors.js';

const Role = builder.enumType('Role', {
  values: {
    VIEWER: { description: 'Reads everything.' },
    OPERATOR: { description: 'Also triggers syncs, edits prices and stock, runs production.' },
    ADMIN: { description: 'Also manages accounts, credentials, webhooks and tokens.' },
  } as const,
});

export const AccessError = defineErrorType(
  'AccessError',
  accessErrorCodes,
  'Why an access mutation was refused.',
);

export const ApiToken = builder.prismaObject('ApiToken', {
  description: 'A bearer credential. Its secret is shown once, on creation; only a hash is stored.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: Role }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell tokens apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const Viewer = builder.simpleObject('Viewer', {
  description: 'The caller, as identified by its token.',
  fields: (t) => ({ tokenId: t.id(), name: t.string(), role: t.field({ type: Role }) }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    authScopes: { viewer: true },
    resolve: (_root, _args, ctx) => ctx.actor!,
  }),
  apiTokens: t.prismaConnection({
    type: 'ApiToken',
    cursor: 'id',
    authScopes: { admin: true },
    args: { includeRevoked: t.arg.boolean({ required: false, defaultValue: false }) },
    totalCount: (_c, args, ctx) => ctx.prisma.apiToken.count({ where: args.includeRevoked ? {} : { revokedAt: null } }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.apiToken.findMany({ ...query, where: args.includeRevoked ? {} : { revokedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    name: t.string(),
    role: t.field({ type: Role }),
    expiresAt: t.field({ type: 'DateTime', required: false }),
  }),
});

const CreateApiTokenPayload = builder.simpleObject('CreateApiTokenPayload', {
  fields: (t) => ({
    apiToken: t.field({ type: ApiToken, nullable: true }),
    token: t.string({ nullable: true, description: 'The secret. Shown only in this response: store it now.' }),
    errors: t.field({ type: [AccessError] }),
  }),
});

const RevokeApiTokenPayload = builder.simpleObject('RevokeApiTokenPayload', {
  fields: (t) => ({
    apiToken: t.field({ type: ApiToken, nullable: true }),
    errors: t.field({ type: [AccessError] }),
  }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApiTokenInput }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await runMutation('created', () => createToken(ctx, input));
      return { apiToken: result.created?.apiToken ?? null, token: result.created?.secret ?? null, errors: result.errors };
    },
  }),
  revokeApiToken: t.field({
    type: RevokeApiTokenPayload,
    authScopes: { admin: true },
    args: { input: t.arg({ type: builder.inputType('RevokeApiTokenInput', { fields: (f) => ({ id: f.id() }) }) }) },
    resolve: (_root, { input }, ctx) => runMutation('apiToken', () => revokeToken(ctx, ctx.actor!, String(input.id))),
  }),
}));
