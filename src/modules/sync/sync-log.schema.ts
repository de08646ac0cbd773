import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';

const NO_MATCH = '00000000-0000-0000-0000-000000000000';
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const LogLevel = builder.enumType('LogLevel', {
  description: 'Severity of a sync log entry, least severe first.',
  values: {
    DEBUG: { description: 'Detail for troubleshooting.' },
    INFO: { description: 'A normal step (started, page written, finished).' },
    WARN: { description: 'Something skipped or retried; the run went on.' },
    ERROR: { description: 'A record or page that failed; these are also a run\'s `errors`.' },
  } satisfies Record<(typeof LEVELS)[number], { description: string }>,
});

builder.prismaObject('SyncLog', {
  description: 'One step of a sync (started, page written, record skipped, finished), with its context.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    runId: t.exposeID('runId', { nullable: true, description: 'The run it belongs to; null for an entry outside any run.' }),
    accountId: t.exposeID('accountId', { nullable: true, description: 'The account it concerns, if any.' }),
    account: t.relation('account', { nullable: true, description: 'The account it concerns, if any.' }),
    level: t.expose('level', { type: LogLevel, description: 'How severe.' }),
    message: t.exposeString('message', { description: 'What happened, in English.' }),
    context: t.expose('context', { type: 'JSON', nullable: true, description: 'Structured detail (page, SKU, marketplace error…); its keys vary by message.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was written.' }),
  }),
});

const SyncLogFilter = builder.inputType('SyncLogFilter', {
  description: 'Which log entries: every given condition must hold.',
  fields: (t) => ({
    accountId: t.id({ required: false, description: 'Only entries of this account.' }),
    runId: t.id({ required: false, description: 'Only entries of this run.' }),
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
    authScopes: { viewer: true },
    description: 'Sync logs, newest first; at most 100 per page. Kept for LOG_RETENTION_DAYS (default 30) days.',
    args: { filter: t.arg({ type: SyncLogFilter, required: false, description: 'Default: every entry.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncLog.count({ where: logWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncLog.findMany({ ...query, where: logWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));
