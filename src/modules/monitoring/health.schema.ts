import { builder } from '../../graphql/builder.js';
import { MarketplaceAccount } from '../accounts/account.schema.js';
import { SyncRun, SyncStatus } from '../sync/sync-run.schema.js';
import { AlertKind } from './alert.schema.js';
import { syncHealth, type AccountHealth as AccountHealthShape, type SyncHealth as SyncHealthShape } from './health.service.js';

const HealthStatus = builder.enumType('HealthStatus', {
  description: 'Overall health of syncing.',
  values: {
    OK: { description: 'The database answers and every enabled account is fresh, without active alerts.' },
    DEGRADED: { description: 'The database answers, but an enabled account is stale or has an active alert. /readyz still answers 200 (503 with ?strict=1).' },
    DOWN: { description: 'The database is unreachable. /readyz answers 503.' },
  } as const,
});

const AccountHealth = builder.objectRef<AccountHealthShape>('AccountHealth').implement({
  description: 'How fresh one account’s data is.',
  fields: (t) => ({
    account: t.field({ type: MarketplaceAccount, description: 'The account.', resolve: (h) => h.account }),
    lastSuccessAt: t.field({ type: 'DateTime', nullable: true, description: 'When its last SUCCESS sync, or PARTIAL sync that committed at least a page, finished (a PARTIAL run that read nothing is a failure).', resolve: (h) => h.lastSuccessAt }),
    lastRunStatus: t.field({ type: SyncStatus, nullable: true, description: 'Status of its latest finished sync (cancelled ones are ignored).', resolve: (h) => h.lastRunStatus }),
    lastRunAt: t.field({ type: 'DateTime', nullable: true, description: 'When that sync finished.', resolve: (h) => h.lastRunAt }),
    lagSeconds: t.int({ nullable: true, description: 'Seconds since lastSuccessAt; null when it never synced successfully.', resolve: (h) => h.lagSeconds }),
    stale: t.boolean({
      description:
        'Enabled, and its last success is older than STALE_AFTER_MINUTES (or it never had one in that long since it was added). Disabled accounts are never stale.',
      resolve: (h) => h.stale,
    }),
    activeRun: t.field({ type: SyncRun, nullable: true, description: 'Its sync queued, running or waiting to resume, if any.', resolve: (h) => h.activeRun }),
    activeAlerts: t.field({ type: [AlertKind], description: 'Kinds of its active alerts (none for a disabled account).', resolve: (h) => h.activeAlerts }),
    lastLogAt: t.field({ type: 'DateTime', nullable: true, description: 'When its newest sync log line was written (see syncLogs); null without any.', resolve: (h) => h.lastLogAt }),
    errorsLastHour: t.int({ description: 'Its ERROR log lines written in the last hour (after checkedAt minus one hour, up to checkedAt).', resolve: (h) => h.errorsLastHour }),
    warningsLastHour: t.int({ description: 'Its WARN log lines written in the last hour, as errorsLastHour.', resolve: (h) => h.warningsLastHour }),
  }),
});

const SyncHealth = builder.objectRef<SyncHealthShape>('SyncHealth').implement({
  description: 'Health of syncing. DOWN when the database is unreachable; DEGRADED when an enabled account is stale or has an active alert; OK otherwise.',
  fields: (t) => ({
    status: t.field({ type: HealthStatus, description: 'Overall: OK, DEGRADED or DOWN.', resolve: (h) => h.status }),
    databaseReachable: t.boolean({ description: 'Whether the database answered.', resolve: (h) => h.databaseReachable }),
    runsInProgress: t.int({ nullable: true, description: 'Syncs PENDING, RUNNING or INTERRUPTED; null when the database is unreachable.', resolve: (h) => h.runsInProgress }),
    errorsLastHour: t.int({
      nullable: true,
      description: 'ERROR log lines written in the last hour (after checkedAt minus one hour, up to checkedAt), of every account and of none; null when the database is unreachable.',
      resolve: (h) => h.errorsLastHour,
    }),
    warningsLastHour: t.int({ nullable: true, description: 'WARN log lines written in the last hour, as errorsLastHour.', resolve: (h) => h.warningsLastHour }),
    staleAfterMinutes: t.int({ description: 'The staleness threshold (STALE_AFTER_MINUTES).', resolve: (h) => h.staleAfterMinutes }),
    checkedAt: t.field({ type: 'DateTime', description: 'When this check ran (now).', resolve: (h) => h.checkedAt }),
    accounts: t.field({ type: [AccountHealth], description: 'Every account, by channel then name; disabled ones are listed but do not count.', resolve: (h) => h.accounts }),
  }),
});

builder.queryFields((t) => ({
  syncHealth: t.field({
    type: SyncHealth,
    authScopes: { viewer: true },
    description: 'Database reachability, syncs in progress and the freshness of every account; a fixed number of queries whatever the number of accounts.',
    resolve: (_root, _args, ctx) => syncHealth(ctx),
  }),
}));
