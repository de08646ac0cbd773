import type { AlertKind, MarketplaceAccount, PrismaClient, SyncRun, SyncStatus } from '../../generated/prisma/client.js';
import { accountLogFacts, accountRunFacts, isStale, logCountsLastHour } from './account-facts.js';
import { settingsOf, type MonitoringSettings } from './monitoring.settings.js';

export type HealthStatus = 'OK' | 'DEGRADED' | 'DOWN';

/** Statuses of a run that holds its account's slot: queued, executing, or waiting to be resumed. */
export const IN_PROGRESS: readonly SyncStatus[] = ['PENDING', 'RUNNING', 'INTERRUPTED'];

export interface AccountHealth {
  account: MarketplaceAccount;
  /** Finish of the last SUCCESS run, or PARTIAL run that committed at least a page. */
  lastSuccessAt: Date | null;
  /** Status of the latest run that finished (cancelled runs are ignored). */
  lastRunStatus: SyncStatus | null;
  lastRunAt: Date | null;
  /** Seconds since `lastSuccessAt`; null when the account never synced successfully. */
  lagSeconds: number | null;
  stale: boolean;
  activeRun: SyncRun | null;
  activeAlerts: AlertKind[];
  /** When its newest log line was written; null without any. */
  lastLogAt: Date | null;
  /** Its ERROR and WARN log lines in the last hour. */
  errorsLastHour: number;
  warningsLastHour: number;
}

export interface SyncHealth {
  status: HealthStatus;
  databaseReachable: boolean;
  /** Runs PENDING, RUNNING or INTERRUPTED; null when the database is unreachable. */
  runsInProgress: number | null;
  /** ERROR and WARN log lines of the last hour, of every account and of none; null when the database is unreachable. */
  errorsLastHour: number | null;
  warningsLastHour: number | null;
  /** RUNNING runs whose heartbeat is older than the stale interval (SYNC_STALE_AFTER_MS): their worker stopped answering. */
  stuckRuns: SyncRun[];
  staleAfterMinutes: number;
  checkedAt: Date;
  accounts: AccountHealth[];
}

interface HealthServices {
  prisma: PrismaClient;
  monitoring?: MonitoringSettings;
}

/**
 * The health of syncing, in a fixed number of statements whatever the number of accounts
 * (ping, accounts, one grouped run lookup, runs in progress, active alerts, one log lookup per
 * account in one statement, the hour's log counts).
 *
 * Rule: DOWN when the database is unreachable; DEGRADED when any enabled account is stale or has
 * an active alert, or a run is stuck (RUNNING, heartbeat older than the stale interval: no worker
 * is moving it, and none has reaped it yet); OK otherwise. Disabled accounts are listed but never count.
 */
export async function syncHealth(services: HealthServices, options: { ping?: () => Promise<boolean> } = {}): Promise<SyncHealth> {
  const settings = settingsOf(services);
  const now = settings.now();
  const base = { staleAfterMinutes: settings.staleAfterMinutes, checkedAt: now };
  const reachable = await (options.ping ?? (() => ping(services.prisma)))();
  if (!reachable) return { ...base, status: 'DOWN', databaseReachable: false, runsInProgress: null, errorsLastHour: null, warningsLastHour: null, stuckRuns: [], accounts: [] };

  const [accounts, facts, active, alerts, logFacts, logCounts] = await Promise.all([
    services.prisma.marketplaceAccount.findMany({ orderBy: [{ channel: 'asc' }, { name: 'asc' }] }),
    accountRunFacts(services.prisma, { now, recentLimit: 1 }),
    services.prisma.syncRun.findMany({ where: { status: { in: [...IN_PROGRESS] } }, orderBy: { createdAt: 'asc' } }),
    services.prisma.alert.findMany({ where: { activeKey: { not: null } }, select: { accountId: true, kind: true }, orderBy: { raisedAt: 'asc' } }),
    accountLogFacts(services.prisma, { now }),
    logCountsLastHour(services.prisma, { now }),
  ]);
  const logsOf = new Map(logFacts.map((f) => [f.accountId, f]));
  const factsOf = new Map(facts.map((f) => [f.accountId, f]));
  // One active run per account (its slot); the newest wins should there ever be more.
  const activeOf = new Map(active.map((r) => [r.accountId, r]));
  const alertsOf = new Map<string, AlertKind[]>();
  for (const a of alerts) if (a.accountId) alertsOf.set(a.accountId, [...(alertsOf.get(a.accountId) ?? []), a.kind]);

  const entries = accounts.map((account): AccountHealth => {
    const f = factsOf.get(account.id);
    const lastSuccessAt = f?.lastSuccessAt ?? null;
    return {
      account,
      lastSuccessAt,
      lastRunStatus: f?.lastStatus ?? null,
      lastRunAt: f?.lastFinishedAt ?? null,
      lagSeconds: lastSuccessAt ? Math.max(0, Math.floor((now.getTime() - lastSuccessAt.getTime()) / 1000)) : null,
      stale: isStale(account, lastSuccessAt, now, settings.staleAfterMinutes),
      activeRun: activeOf.get(account.id) ?? null,
      activeAlerts: account.enabled ? (alertsOf.get(account.id) ?? []) : [],
      lastLogAt: logsOf.get(account.id)?.lastLogAt ?? null,
      errorsLastHour: logsOf.get(account.id)?.errorsLastHour ?? 0,
      warningsLastHour: logsOf.get(account.id)?.warningsLastHour ?? 0,
    };
  });
  const stuckBefore = now.getTime() - settings.runStaleAfterMs;
  const stuckRuns = active.filter((r) => r.status === 'RUNNING' && (!r.heartbeatAt || r.heartbeatAt.getTime() < stuckBefore));
  const degraded = stuckRuns.length > 0 || entries.some((e) => e.account.enabled && (e.stale || e.activeAlerts.length > 0));
  return {
    ...base,
    status: degraded ? 'DEGRADED' : 'OK',
    databaseReachable: true,
    runsInProgress: active.length,
    errorsLastHour: logCounts.errors,
    warningsLastHour: logCounts.warnings,
    stuckRuns,
    accounts: entries,
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
