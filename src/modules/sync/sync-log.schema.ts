import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';

const NO_MATCH = '00000000-0000-0000-0000-000000000000';
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const LogLevel = builder.enumType('LogLevel', { values: LEVELS });

builder.prismaObject('SyncLog', {
  description: 'One step of a sync (started, page written, record skipped, finished), with its context.',
  fields: (t) => ({
    id: t.exposeID('id'),
    runId: t.exposeID('runId', { nullable: true }),
    accountId: t.exposeID('accountId', { nullable: true }),
    account: t.relation('account', { nullable: true }),
    level: t.expose('level', { type: LogLevel }),
    message: t.exposeString('message'),
    context: t.expose('context', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SyncLogFilter = builder.inputType('SyncLogFilter', {
  fields: (t) => ({
    accountId: t.id({ required: false }),
    runId: t.id({ required: false }),
    level: t.field({ type: LogLevel, required: false, description: 'This level and the more severe ones (WARN gives WARN and ERROR).' }),
    search: t.string({ required: false, description: 'Case-insensitive text in the message.' }),
  }),
});

function logWhere(filter: { accountId?: string | number | null; runId?: string | number | null; level?: (typeof LEVELS)[number] | null; search?: string | null } | null | undefined) {
  const where: Prisma.SyncLogWhereInput = {};
  const id = (v: string | number) => (isUuid(String(v)) ? String(v) : NO_MATCH);
  if (filter?.accountId != null) where.accountId = id(filter.accountId);
  if (filter?.runId != null) where.runId = id(filter.runId);
  if (filter?.level) where.level = { in: LEVELS.slice(LEVELS.indexOf(filter.level)) as never };
  if (filter?.search) where.message = { contains: filter.search, mode: 'insensitive' };
  return where;
}

builder.queryFields((t) => ({
  syncLogs: t.prismaConnection({
    type: 'SyncLog',
    cursor: 'id',
    maxSize: 500,
    authScopes: { viewer: true },
    description: 'Sync logs, newest first; up to 500 per page.',
    args: { filter: t.arg({ type: SyncLogFilter, required: false }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncLog.count({ where: logWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncLog.findMany({ ...query, where: logWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));
