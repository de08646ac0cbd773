import { builder } from '../../graphql/builder.js';
import { runQuery } from '../../graphql/query-error.js';
import { MarketplaceAccount } from '../accounts/account.schema.js';
import { SyncRunFilter } from '../sync/sync-run.schema.js';
import { syncRunWhere, type SyncRunFilter as RunFilter } from '../sync/sync-run.filters.js';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS, syncReport, type RunTotals, type SyncReport as SyncReportShape } from './report.service.js';
import { reportDays, type ReportDay } from './report-daily.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The counters the whole report and each account have. */
const totalsFields = <P extends RunTotals>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, P>) => ({
  total: t.int({ description: 'Runs created in the period, any status.', resolve: (p) => p.total }),
  successful: t.int({ description: 'SUCCESS.', resolve: (p) => p.successful }),
  failed: t.int({ description: 'FAILED.', resolve: (p) => p.failed }),
  partial: t.int({ description: 'PARTIAL.', resolve: (p) => p.partial }),
  cancelled: t.int({ description: 'CANCELLED.', resolve: (p) => p.cancelled }),
  inProgress: t.int({ description: 'PENDING, RUNNING or INTERRUPTED now.', resolve: (p) => p.inProgress }),
  averageDurationMs: t.int({
    nullable: true,
    description: 'Mean working time (activeMs: interruptions excluded) of the finished runs (SUCCESS, PARTIAL, FAILED, CANCELLED); null without any.',
    resolve: (p) => p.averageDurationMs,
  }),
  itemsSynced: t.int({ description: 'Items read from the marketplace (itemsDone), summed over the runs.', resolve: (p) => p.itemsSynced }),
});

/** The runs of a report's period (the ones its totals count), narrowed by the syncRuns filter. */
const reportRunsWhere = (report: SyncReportShape, filter: RunFilter | null | undefined) => ({
  AND: [syncRunWhere(filter), { createdAt: { gte: report.from, lt: report.to } }],
});

const SyncReportAccount = builder.objectRef<SyncReportShape['accounts'][number]>('SyncReportAccount').implement({
  description: 'Runs of one account in the period.',
  fields: (t) => ({ account: t.field({ type: MarketplaceAccount, description: 'The account.', resolve: (p) => p.account }), ...totalsFields(t) }),
});

type DayAccount = { account: SyncReportShape['accounts'][number]['account']; runs: number; itemsSynced: number };

const SyncReportDayAccount = builder.objectRef<DayAccount>('SyncReportDayAccount').implement({
  description: "One account's runs on one day of a report.",
  fields: (t) => ({
    account: t.field({ type: MarketplaceAccount, description: 'The account.', resolve: (p) => p.account }),
    runs: t.int({ description: 'Runs created that day, any status.', resolve: (p) => p.runs }),
    itemsSynced: t.int({ description: 'Items read from the marketplace (itemsDone) by those runs.', resolve: (p) => p.itemsSynced }),
  }),
});

const SyncReportDay = builder.objectRef<Omit<ReportDay, 'accounts'> & { accounts: DayAccount[] }>('SyncReportDay').implement({
  description: 'The runs of a report created on one UTC day, by status, with the items synced per account.',
  fields: (t) => ({
    date: t.string({ description: 'The day, YYYY-MM-DD (UTC).', resolve: (d) => d.date }),
    total: t.int({ description: 'Runs created that day, any status.', resolve: (d) => d.total }),
    successful: t.int({ description: 'SUCCESS.', resolve: (d) => d.successful }),
    failed: t.int({ description: 'FAILED.', resolve: (d) => d.failed }),
    partial: t.int({ description: 'PARTIAL.', resolve: (d) => d.partial }),
    cancelled: t.int({ description: 'CANCELLED.', resolve: (d) => d.cancelled }),
    inProgress: t.int({ description: 'PENDING, RUNNING or INTERRUPTED now.', resolve: (d) => d.inProgress }),
    itemsSynced: t.int({ description: 'Items read from the marketplace (itemsDone) by the runs of that day.', resolve: (d) => d.itemsSynced }),
    accounts: t.field({ type: [SyncReportDayAccount], description: 'The accounts with runs that day, by channel then name.', resolve: (d) => d.accounts }),
  }),
});

const SyncReport = builder.objectRef<SyncReportShape>('SyncReport').implement({
  description: 'Sync runs created in the period, counted and summed in the database, and listed page by page (runs).',
  fields: (t) => ({
    days: t.int({ description: 'Length of the period in days, as asked.', resolve: (r) => r.days }),
    from: t.field({ type: 'DateTime', description: 'Start of the period, included.', resolve: (r) => r.from }),
    to: t.field({ type: 'DateTime', description: 'End of the period (now), excluded.', resolve: (r) => r.to }),
    ...totalsFields(t),
    accounts: t.field({ type: [SyncReportAccount], description: 'Every account, by channel then name; those without runs with zeros.', resolve: (r) => r.accounts }),
    daily: t.field({
      type: [SyncReportDay],
      description: 'The same runs per UTC day, from the day of `from` to today, every day present (zeros included): counts by status and the items synced per account.',
      resolve: async (r, _a, ctx) => {
        const accounts = new Map(r.accounts.map((a) => [a.account.id, a.account]));
        const days = await reportDays(ctx.prisma, r.from, r.to, [...accounts.keys()]);
        return days.map((d) => ({ ...d, accounts: d.accounts.flatMap((a) => (accounts.has(a.accountId) ? [{ account: accounts.get(a.accountId)!, runs: a.runs, itemsSynced: a.itemsSynced }] : [])) }));
      },
    }),
    runs: t.prismaConnection({
      type: 'SyncRun',
      cursor: 'id',
      description: 'The runs the totals count (created in the period), newest first; at most 100 per page.',
      args: { filter: t.arg({ type: SyncRunFilter, required: false, description: 'As syncRuns; default every run of the period.' }) },
      totalCount: (report, args, ctx) => ctx.prisma.syncRun.count({ where: reportRunsWhere(report, args.filter) }),
      resolve: (query, report, args, ctx) =>
        ctx.prisma.syncRun.findMany({ ...query, where: reportRunsWhere(report, args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

builder.queryFields((t) => ({
  syncReport: t.field({
    type: SyncReport,
    authScopes: { viewer: true },
    description: `Sync runs of the last \`days\` days (1 to ${MAX_REPORT_DAYS}, default ${DEFAULT_REPORT_DAYS}), totals overall and per account, and the runs themselves (paged). Out of range: BAD_USER_INPUT with reason DAYS_OUT_OF_RANGE.`,
    args: { days: t.arg.int({ required: false, defaultValue: DEFAULT_REPORT_DAYS, description: `How many days back from now: 1 to ${MAX_REPORT_DAYS}, default ${DEFAULT_REPORT_DAYS}.` }) },
    resolve: (_root, args, ctx) => runQuery(() => syncReport(ctx, args.days ?? DEFAULT_REPORT_DAYS)),
  }),
}));
