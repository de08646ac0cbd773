import { builder } from '../../graphql/builder.js';
import { filterRules } from '../../graphql/arg-rules.plugin.js';
import { rangeEndRule } from '../../shared/date-range.js';
import { Channel } from '../accounts/account.schema.js';
import { LOG_LEVELS, syncLogFilterRules, syncLogWhere } from './sync-log.js';
import { SyncStatus } from './sync-run.schema.js';

export const LogLevel = builder.enumType('LogLevel', {
  description: 'Severity of a sync log entry, least severe first.',
  values: {
    DEBUG: { description: 'Detail for troubleshooting.' },
    INFO: { description: 'A normal step (started, page written, finished).' },
    WARN: { description: 'Something skipped or retried; the run went on.' },
    ERROR: { description: 'A record or page that failed; these are also a run\'s `errors`.' },
  } satisfies Record<(typeof LOG_LEVELS)[number], { description: string }>,
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
    channel: t.field({ type: Channel, required: false, description: 'Only entries of accounts on this marketplace.' }),
    runId: t.id({ required: false, description: 'Only entries of this run.' }),
    runStatus: t.field({ type: [SyncStatus], required: false, description: 'Only entries of runs now in one of these statuses (entries outside any run never match); empty or left out: any.' }),
    level: t.field({ type: LogLevel, required: false, description: 'This level and the more severe ones (WARN gives WARN and ERROR).' }),
    search: t.string({ required: false, description: 'Case-insensitive text in the message.' }),
    since: t.field({ type: 'DateTime', required: false, description: 'Written at or after this instant (inclusive).' }),
    until: t.field({ type: 'DateTime', required: false, description: `Written before this instant (exclusive). ${rangeEndRule('since')}` }),
  }),
});

builder.queryFields((t) => ({
  syncLogs: t.prismaConnection({
    type: 'SyncLog',
    cursor: 'id',
    authScopes: { viewer: true },
    argRules: filterRules(syncLogFilterRules),
    description: 'Sync logs, newest first; at most 100 per page. Kept for LOG_RETENTION_DAYS (default 30) days.',
    args: { filter: t.arg({ type: SyncLogFilter, required: false, description: 'Default: every entry.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncLog.count({ where: syncLogWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncLog.findMany({ ...query, where: syncLogWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));
