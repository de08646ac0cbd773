import { Prisma, type PrismaClient, type SyncStatus } from '../../generated/prisma/client.js';

/**
 * What health and alerts need to know about each account's runs. Runs that finished as
 * SUCCESS, PARTIAL or FAILED count; CANCELLED ones say nothing about the account's health and
 * are ignored, as are runs still in progress.
 *
 * A PARTIAL run that committed no page read nothing at all (the marketplace was down: every
 * attempt of the first page failed), so here it counts as a failure, not a success: it does not
 * refresh `lastSuccessAt` and it counts towards failures in a row. Otherwise an outage, which
 * ends runs PARTIAL rather than FAILED, would never look stale nor raise REPEATED_FAILURES.
 */
export interface AccountRunFacts {
  accountId: string;
  /** Finish of the last SUCCESS run, or PARTIAL run that committed a page. */
  lastSuccessAt: Date | null;
  /** The latest finished run. */
  lastStatus: SyncStatus | null;
  lastError: string | null;
  lastFinishedAt: Date | null;
  /** Of the latest `recentLimit` finished runs: how many there are and how many failed (FAILED, or PARTIAL without a page). */
  recentRuns: number;
  recentFailed: number;
  /** Runs finished in the hour up to `now`, and how many of them FAILED or ended PARTIAL. */
  hourRuns: number;
  hourBad: number;
}

type Row = Omit<AccountRunFacts, 'lastStatus'> & { lastStatus: string | null };

/**
 * One statement for every account (or the given ones), whatever their number: per account a few
 * index-backed lateral lookups on its runs. Answers every account asked for, in no given order.
 */
export async function accountRunFacts(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  options: { now: Date; recentLimit: number; accountIds?: readonly string[] },
): Promise<AccountRunFacts[]> {
  const hourAgo = new Date(options.now.getTime() - 3_600_000).toISOString();
  const now = options.now.toISOString();
  const only = options.accountIds ? Prisma.sql`WHERE a.id = ANY(${[...options.accountIds]}::uuid[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT a.id AS "accountId", s."lastSuccessAt", l.status::text AS "lastStatus", l.error AS "lastError", l."finishedAt" AS "lastFinishedAt",
           rec.n AS "recentRuns", rec.failed AS "recentFailed", h.runs AS "hourRuns", h.bad AS "hourBad"
    FROM "MarketplaceAccount" a
    LEFT JOIN LATERAL (
      SELECT max(r."finishedAt") AS "lastSuccessAt" FROM "SyncRun" r
      WHERE r."accountId" = a.id AND (r.status = 'SUCCESS' OR (r.status = 'PARTIAL' AND r."pagesDone" > 0))
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT r.status, r.error, r."finishedAt" FROM "SyncRun" r
      WHERE r."accountId" = a.id AND r.status IN ('SUCCESS', 'PARTIAL', 'FAILED') AND r."finishedAt" IS NOT NULL
      ORDER BY r."finishedAt" DESC, r."createdAt" DESC LIMIT 1
    ) l ON true
    LEFT JOIN LATERAL (
      SELECT COUNT(*)::int AS n, (COUNT(*) FILTER (WHERE x.status = 'FAILED' OR (x.status = 'PARTIAL' AND x."pagesDone" = 0)))::int AS failed FROM (
        SELECT r.status, r."pagesDone" FROM "SyncRun" r
        WHERE r."accountId" = a.id AND r.status IN ('SUCCESS', 'PARTIAL', 'FAILED') AND r."finishedAt" IS NOT NULL
        ORDER BY r."finishedAt" DESC, r."createdAt" DESC LIMIT ${options.recentLimit}
      ) x
    ) rec ON true
    LEFT JOIN LATERAL (
      SELECT COUNT(*)::int AS runs, (COUNT(*) FILTER (WHERE r.status IN ('FAILED', 'PARTIAL')))::int AS bad FROM "SyncRun" r
      WHERE r."accountId" = a.id AND r.status IN ('SUCCESS', 'PARTIAL', 'FAILED')
        AND r."finishedAt" > ${hourAgo}::timestamptz AND r."finishedAt" <= ${now}::timestamptz
    ) h ON true
    ${only}`;
  return rows.map((r) => ({
    ...r,
    lastStatus: r.lastStatus as SyncStatus | null,
    recentRuns: Number(r.recentRuns ?? 0),
    recentFailed: Number(r.recentFailed ?? 0),
    hourRuns: Number(r.hourRuns ?? 0),
    hourBad: Number(r.hourBad ?? 0),
  }));
}

/** Whether an enabled account's data is stale at `now`: its last success is older than the threshold, or it never had one and has existed longer than that. */
export function isStale(account: { enabled: boolean; createdAt: Date }, lastSuccessAt: Date | null, now: Date, staleAfterMinutes: number): boolean {
  if (!account.enabled) return false;
  const limit = staleAfterMinutes * 60_000;
  return now.getTime() - (lastSuccessAt ?? account.createdAt).getTime() > limit;
}

/** The marker run-executor puts at the start of a run's error when the marketplace refused the credentials. */
export const AUTH_ERROR_PREFIX = 'authentication failed';

/** What health says about each account's log lines. */
export interface AccountLogFacts {
  accountId: string;
  /** When its newest log line was written; null without any. */
  lastLogAt: Date | null;
  /** ERROR and WARN lines written in the hour up to `now`: (now - 1 h, now]. */
  errorsLastHour: number;
  warningsLastHour: number;
}

/**
 * One statement for every account, whatever their number and however big SyncLog is: per account
 * an index lookup of its newest line and a range scan of its last hour, both on (accountId,
 * createdAt). Answers every account, in no given order.
 */
export async function accountLogFacts(prisma: Pick<PrismaClient, '$queryRaw'>, options: { now: Date }): Promise<AccountLogFacts[]> {
  const hourAgo = new Date(options.now.getTime() - 3_600_000).toISOString();
  const now = options.now.toISOString();
  const rows = await prisma.$queryRaw<AccountLogFacts[]>`
    SELECT a.id AS "accountId", l."lastLogAt", h.errors AS "errorsLastHour", h.warnings AS "warningsLastHour"
    FROM "MarketplaceAccount" a
    LEFT JOIN LATERAL (SELECT max(s."createdAt") AS "lastLogAt" FROM "SyncLog" s WHERE s."accountId" = a.id) l ON true
    LEFT JOIN LATERAL (
      SELECT (COUNT(*) FILTER (WHERE s.level = 'ERROR'))::int AS errors, (COUNT(*) FILTER (WHERE s.level = 'WARN'))::int AS warnings
      FROM "SyncLog" s
      WHERE s."accountId" = a.id AND s."createdAt" > ${hourAgo}::timestamptz AND s."createdAt" <= ${now}::timestamptz AND s.level IN ('WARN', 'ERROR')
    ) h ON true`;
  return rows.map((r) => ({ ...r, errorsLastHour: Number(r.errorsLastHour ?? 0), warningsLastHour: Number(r.warningsLastHour ?? 0) }));
}

/** ERROR and WARN lines of the hour up to `now`, of every account and of none. */
export async function logCountsLastHour(prisma: Pick<PrismaClient, 'syncLog'>, options: { now: Date }): Promise<{ errors: number; warnings: number }> {
  const rows = await prisma.syncLog.groupBy({
    by: ['level'],
    where: { level: { in: ['WARN', 'ERROR'] }, createdAt: { gt: new Date(options.now.getTime() - 3_600_000), lte: options.now } },
    _count: { _all: true },
  });
  const count = (level: string) => rows.find((r) => r.level === level)?._count._all ?? 0;
  return { errors: count('ERROR'), warnings: count('WARN') };
}
