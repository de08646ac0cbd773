import { randomUUID } from 'node:crypto';
import type { AlertKind, AlertSeverity, Prisma } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { transact, type Emit, type Tx } from '../../db/transaction.js';
import { accountRunFacts, AUTH_ERROR_PREFIX, isStale, type AccountRunFacts } from './account-facts.js';
import { settingsOf, type MonitoringSettings } from './monitoring.settings.js';

/** How serious each kind is: the account cannot sync at all (CRITICAL) or syncs badly or late (WARNING). */
export const ALERT_SEVERITY: Record<AlertKind, AlertSeverity> = {
  AUTH_FAILURE: 'CRITICAL',
  REPEATED_FAILURES: 'CRITICAL',
  ERROR_RATE: 'WARNING',
  STALE_DATA: 'WARNING',
  WEBHOOK_DISABLED: 'CRITICAL',
  OVERSELL: 'CRITICAL',
};

/** The kinds evaluateAlerts raises and resolves from account facts (a webhook's alert is its own). */
const ACCOUNT_ALERT_KINDS: AlertKind[] = ['AUTH_FAILURE', 'REPEATED_FAILURES', 'ERROR_RATE', 'STALE_DATA'];

/** A condition that holds now. */
export interface Finding {
  kind: AlertKind;
  accountId: string;
  message: string;
  details: Record<string, unknown>;
}

export const activeKeyOf = (kind: AlertKind, accountId: string) => `${kind}:${accountId}`;

interface AccountLike {
  id: string;
  name: string;
  channel: string;
  enabled: boolean;
  createdAt: Date;
}

/**
 * The alert conditions that hold for one account (a disabled account has none: it is not monitored).
 * - REPEATED_FAILURES: its last `failuresInARow` finished runs all failed (FAILED, or PARTIAL without a page read).
 * - ERROR_RATE: of the runs that finished in the last hour (at least `errorRateMinRuns`), the FAILED
 *   and PARTIAL ones make up `errorRatePercent` or more.
 * - STALE_DATA: stale as in syncHealth.
 * - AUTH_FAILURE: its latest finished run stopped on an authentication error.
 * Cancelled runs count for none of them.
 */
export function findingsFor(account: AccountLike, facts: AccountRunFacts | undefined, settings: MonitoringSettings, now: Date): Finding[] {
  if (!account.enabled) return [];
  const found: Finding[] = [];
  const label = `${account.channel} account "${account.name}"`;
  const f = facts;
  if (f && f.recentRuns >= settings.failuresInARow && f.recentFailed === f.recentRuns) {
    found.push({
      kind: 'REPEATED_FAILURES',
      accountId: account.id,
      message: `The last ${f.recentRuns} syncs of ${label} failed${f.lastError ? ` (latest: ${f.lastError})` : ''}`,
      details: { failedInARow: f.recentRuns, lastError: f.lastError },
    });
  }
  if (f && f.hourRuns >= settings.errorRateMinRuns && (f.hourBad * 100) / f.hourRuns >= settings.errorRatePercent) {
    const percent = Math.round((f.hourBad * 1000) / f.hourRuns) / 10;
    found.push({
      kind: 'ERROR_RATE',
      accountId: account.id,
      message: `${f.hourBad} of the ${f.hourRuns} syncs of ${label} in the last hour failed or were partial (${percent}%, threshold ${settings.errorRatePercent}%)`,
      details: { runs: f.hourRuns, failedOrPartial: f.hourBad, percent, thresholdPercent: settings.errorRatePercent },
    });
  }
  const lastSuccessAt = f?.lastSuccessAt ?? null;
  if (isStale(account, lastSuccessAt, now, settings.staleAfterMinutes)) {
    found.push({
      kind: 'STALE_DATA',
      accountId: account.id,
      message: lastSuccessAt
        ? `${label} has not synced successfully since ${lastSuccessAt.toISOString()} (more than ${settings.staleAfterMinutes} minutes)`
        : `${label} has never synced successfully in the ${settings.staleAfterMinutes} minutes since it was added`,
      details: { lastSuccessAt: lastSuccessAt?.toISOString() ?? null, staleAfterMinutes: settings.staleAfterMinutes },
    });
  }
  if (f?.lastError?.startsWith(AUTH_ERROR_PREFIX)) {
    found.push({
      kind: 'AUTH_FAILURE',
      accountId: account.id,
      message: `The marketplace refused the credentials of ${label}: ${f.lastError}`,
      details: { error: f.lastError, at: f.lastFinishedAt?.toISOString() ?? null },
    });
  }
  return found;
}

export interface Evaluation {
  /** Ids of the alerts this evaluation raised (another instance may have raised the others). */
  raised: string[];
  /** Ids of the alerts it resolved. */
  resolved: string[];
}

/**
 * Evaluates the alert conditions of every account (or the given ones) in a fixed number of
 * statements, then raises what newly holds and resolves what no longer does.
 *
 * Raising inserts a row whose unique `activeKey` is `KIND:accountId`; an instance that loses the
 * race inserts nothing (ON CONFLICT DO NOTHING) and publishes nothing, so each condition is raised
 * once however many instances evaluate it. The insert and its `alert.raised` event share a
 * transaction (the event goes out after commit). Resolving clears `activeKey` and sets
 * `resolvedAt`; the same condition holding later is a new alert.
 */
export async function evaluateAlerts(services: AppServices, options: { accountIds?: readonly string[] } = {}): Promise<Evaluation> {
  const settings = settingsOf(services);
  const now = settings.now();
  const scope: Prisma.MarketplaceAccountWhereInput = options.accountIds ? { id: { in: [...options.accountIds] } } : {};
  const [accounts, facts, active] = await Promise.all([
    services.prisma.marketplaceAccount.findMany({ where: scope, select: { id: true, name: true, channel: true, enabled: true, createdAt: true } }),
    accountRunFacts(services.prisma, { now, recentLimit: settings.failuresInARow, accountIds: options.accountIds }),
    services.prisma.alert.findMany({
      where: { activeKey: { not: null }, kind: { in: ACCOUNT_ALERT_KINDS }, ...(options.accountIds ? { accountId: { in: [...options.accountIds] } } : {}) },
      select: { id: true, activeKey: true },
    }),
  ]);
  const factsOf = new Map(facts.map((f) => [f.accountId, f]));
  const findings = accounts.flatMap((a) => findingsFor(a, factsOf.get(a.id), settings, now));
  const holding = new Set(findings.map((f) => activeKeyOf(f.kind, f.accountId)));
  const activeKeys = new Set(active.map((a) => a.activeKey!));

  const raised: string[] = [];
  for (const finding of findings) {
    if (activeKeys.has(activeKeyOf(finding.kind, finding.accountId))) continue;
    const id = await raiseAlert(services, finding, now);
    if (id) raised.push(id);
  }
  const stillActive = active.filter((a) => holding.has(a.activeKey!)).map((a) => a.id);
  if (stillActive.length) await services.prisma.alert.updateMany({ where: { id: { in: stillActive }, activeKey: { not: null } }, data: { lastSeenAt: now } });
  const cleared = active.filter((a) => !holding.has(a.activeKey!));
  const resolved: string[] = [];
  if (cleared.length) {
    const rows = await services.prisma.$queryRaw<{ id: string; kind: AlertKind; accountId: string | null }[]>`
      UPDATE "Alert" SET "activeKey" = NULL, "resolvedAt" = ${now.toISOString()}::timestamptz
      WHERE id = ANY(${cleared.map((a) => a.id)}::uuid[]) AND "activeKey" IS NOT NULL
      RETURNING id, kind::text AS kind, "accountId"`;
    for (const row of rows) {
      resolved.push(row.id);
      services.logger.info({ alertId: row.id, kind: row.kind, accountId: row.accountId }, 'alert resolved');
    }
  }
  return { raised, resolved };
}

/** Inserts the alert unless one of its kind is already active for the account; returns the new id, or null. */
async function raiseAlert(services: AppServices, finding: Finding, now: Date): Promise<string | null> {
  const raised = await transact(services, 'system', (tx, emit) =>
    insertAlert(tx, emit, { kind: finding.kind, accountId: finding.accountId, activeKey: activeKeyOf(finding.kind, finding.accountId), message: finding.message, details: finding.details }, now),
  );
  if (raised) services.logger.warn({ alertId: raised, kind: finding.kind, severity: ALERT_SEVERITY[finding.kind], accountId: finding.accountId }, `alert raised: ${finding.message}`);
  return raised;
}

export interface NewAlert {
  kind: AlertKind;
  accountId: string | null;
  /** While active, at most one alert has this key (a second insert is a no-op). */
  activeKey: string;
  message: string;
  details: Record<string, unknown>;
  /** Extra fields of the alert.raised payload (a webhook's id); default none. */
  eventFields?: Record<string, unknown>;
}

/** Inserts an alert with the caller's transaction and emits alert.raised (streamed by alertRaised); null when one with its key is active. */
export async function insertAlert(tx: Tx, emit: Emit, alert: NewAlert, now: Date): Promise<string | null> {
  const severity = ALERT_SEVERITY[alert.kind];
  const id = randomUUID();
  const at = now.toISOString();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Alert" (id, kind, severity, "accountId", "activeKey", message, details, "raisedAt", "lastSeenAt")
    VALUES (${id}::uuid, ${alert.kind}::"AlertKind", ${severity}::"AlertSeverity", ${alert.accountId}::uuid,
            ${alert.activeKey}, ${alert.message}, ${JSON.stringify(alert.details)}::jsonb,
            ${at}::timestamptz, ${at}::timestamptz)
    ON CONFLICT ("activeKey") DO NOTHING
    RETURNING id`;
  if (!rows[0]) return null;
  emit('alert.raised', { alertId: id, kind: alert.kind, severity, accountId: alert.accountId, message: alert.message, raisedAt: at, ...alert.eventFields });
  return id;
}

/** Resolves the active alert with this key, if any. */
export async function resolveAlert(tx: Tx, activeKey: string, now: Date): Promise<void> {
  await tx.alert.updateMany({ where: { activeKey }, data: { activeKey: null, resolvedAt: now } });
}
