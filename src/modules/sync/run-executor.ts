/**
 * Executes one claimed sync run: phase by phase (products, then orders), page by page. Each page
 * is written and the run's counters, cursor and heartbeat are advanced in one transaction, so a
 * crash leaves the run exactly at its last committed page, ready to resume. A page that fails is
 * retried from the last cursor; one that keeps failing ends its phase (nothing local is deleted)
 * and the run is PARTIAL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MarketplaceAccount, SyncRun } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { transact } from '../../db/transaction.js';
import { AuthError, type Connector, type Page, type RemoteListing, type RemoteOrder } from '../../connectors/index.js';
import { connectorFor } from '../accounts/account-connector.js';
import { writeListingPage } from './listing-writer.js';
import { writeOrderPage } from './order-writer.js';
import type { PageOutcome } from './page-effects.js';
import { MAX_RECORD_LOGS_PER_PAGE, writeSyncLogs, type LogEntry } from './sync-log.js';
import { phasePercent, phasesOf, progressEvent } from './sync-progress.js';
import { recordSyncPage, recordSyncRunFinished } from '../metrics/sync.metrics.js';
import { isDatabaseOutage } from './database-outage.js';

export interface ExecutorConfig {
  instanceId: string;
  lookbackSeconds: number;
  /** Attempts of one page position before its phase is given up; default 3. */
  pageAttempts?: number;
  /** Wait between those attempts; default 1000 ms (doubling). */
  pageRetryDelayMs?: number;
}

/** Why the executor was asked to stop early. */
export type StopReason = 'cancel' | 'shutdown' | 'lost';

export class RunStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`run stopped: ${reason}`);
  }
}

type Phase = 'PRODUCTS' | 'ORDERS';

/** This process's share of the run: when it took it over and what earlier attempts had spent. */
interface Attempt {
  /** The instance that claimed the run: its final write lands only while it still owns it. */
  ownerId: string;
  startedAt: number;
  activeMsBefore: number;
  /** Labels of this run's metrics. */
  accountId: string;
  channel: string;
  /**
   * The account's first orders import (no earlier run completed an orders phase): the orders it
   * finds predate Stockline, so they are not announced one by one as order.created.
   */
  firstOrdersImport?: boolean;
}

const activeMs = (attempt: Attempt) => attempt.activeMsBefore + (Date.now() - attempt.startedAt);

interface PhaseResult {
  complete: boolean;
  failedPages: number;
}

export async function executeRun(services: AppServices, config: ExecutorConfig, claimed: SyncRun, signal: AbortSignal): Promise<SyncRun> {
  const attempt: Attempt = { ownerId: config.instanceId, startedAt: Date.now(), activeMsBefore: claimed.activeMs, accountId: claimed.accountId, channel: 'unknown' };
  let run = claimed;
  const log = (entries: LogEntry[]) => writeSyncLogs(services.prisma, services.logger, run, entries);
  const resumed = run.pagesDone > 0 || run.resumedCount > 0;

  const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: run.accountId } });
  if (account) attempt.channel = account.channel;
  if (!account || !account.enabled) return finish(services, run, attempt, 'FAILED', account ? 'the account is disabled' : 'the account no longer exists', new Set());
  // Cancelled while it was running and then released (its executor failed): it ends here.
  if (run.cancelRequestedAt) return finish(services, run, attempt, 'CANCELLED', 'cancelled', new Set());

  if (!resumed) {
    await transact(services, run.triggeredBy, async (tx, emit) => {
      emit('sync.started', { runId: run.id, accountId: run.accountId, scope: run.scope, mode: run.mode });
      await writeSyncLogs(tx, services.logger, run, [{ level: 'INFO', message: `${run.mode} ${run.scope} sync started (conflict strategy ${run.conflictStrategy})`, context: { triggeredBy: run.triggeredBy } }]);
    });
  } else {
    await log([{ level: 'INFO', message: `resumed after an interruption at page ${run.pagesDone} (phase ${run.phase ?? 'PRODUCTS'})` }]);
  }
  publishRun(services, run);

  let connector: Connector;
  try {
    connector = connectorFor(services, account);
  } catch (error) {
    return finish(services, run, attempt, 'FAILED', messageOf(error), new Set());
  }

  const phases = phasesOf(run.scope);
  const first = phases.indexOf((run.phase as Phase | null) ?? phases[0]!);
  // A run resumed in a later phase completed the earlier ones before it was interrupted.
  const complete = new Set<Phase>(phases.slice(0, first));
  let fatal: string | null = null;
  try {
    for (let index = first; index < phases.length; index++) {
      const phase = phases[index]!;
      if (run.phase !== phase) run = await enterPhase(services, config, run, account, phase);
      const result = await runPhase(services, config, attempt, () => run, (next) => (run = next), connector, phase, index, phases.length, signal);
      if (!result.complete) break;
      complete.add(phase);
    }
  } catch (error) {
    if (error instanceof RunStopped) {
      if (error.reason === 'cancel') return finish(services, run, attempt, 'CANCELLED', 'cancelled', complete);
      if (error.reason === 'shutdown') return interrupt(services, run, attempt);
      return run; // ownership lost: another instance took the run over
    }
    // The database went away: nothing more can be written; the runner releases the run to resume.
    if (isDatabaseOutage(error)) throw error;
    fatal = error instanceof AuthError ? `authentication failed: ${error.message}` : messageOf(error);
    await log([{ level: 'ERROR', message: `sync stopped: ${fatal}`, context: { kind: error instanceof AuthError ? 'AUTH' : 'ERROR' } }]);
  }

  const failedPages = run.pageFailures;
  const status = fatal ? (run.pagesDone > 0 ? 'PARTIAL' : 'FAILED') : failedPages > 0 || run.failed > 0 ? 'PARTIAL' : 'SUCCESS';
  return finish(services, run, attempt, status, fatal ?? (failedPages > 0 ? `${failedPages} page(s) could not be read` : null), complete);
}

/** Fixes the phase's INCREMENTAL watermark (stored, so a resumed run asks for the same window). */
async function enterPhase(services: AppServices, config: ExecutorConfig, run: SyncRun, account: MarketplaceAccount, phase: Phase): Promise<SyncRun> {
  let since: Date | null = null;
  if (run.mode === 'INCREMENTAL' || (phase === 'ORDERS' && run.mode !== 'FULL')) {
    const field = phase === 'PRODUCTS' ? 'watermark' : 'ordersWatermark';
    const previous = await services.prisma.syncRun.findFirst({
      where: { accountId: account.id, status: { in: ['SUCCESS', 'PARTIAL'] }, [field]: { not: null }, id: { not: run.id } },
      orderBy: { finishedAt: 'desc' },
      select: { watermark: true, ordersWatermark: true },
    });
    const mark = previous?.[field];
    if (mark) since = new Date(mark.getTime() - config.lookbackSeconds * 1000);
  }
  return services.prisma.syncRun.update({
    where: { id: run.id },
    data: { phase, cursor: null, ...(phase === 'PRODUCTS' ? { since } : { ordersSince: since }) },
  });
}

/** True until some run of the account has completed an orders phase (it then has an orders watermark). */
async function isFirstOrdersImport(services: AppServices, run: SyncRun): Promise<boolean> {
  const earlier = await services.prisma.syncRun.findFirst({
    where: { accountId: run.accountId, id: { not: run.id }, status: { in: ['SUCCESS', 'PARTIAL'] }, ordersWatermark: { not: null } },
    select: { id: true },
  });
  return earlier === null;
}

async function runPhase(
  services: AppServices,
  config: ExecutorConfig,
  attempt: Attempt,
  current: () => SyncRun,
  update: (run: SyncRun) => void,
  connector: Connector,
  phase: Phase,
  phaseIndex: number,
  phaseCount: number,
  signal: AbortSignal,
): Promise<PhaseResult> {
  const maxAttempts = config.pageAttempts ?? 3;
  let attempts = 0;
  for (;;) {
    const run = current();
    const startCursor = run.cursor ?? undefined;
    const pages: AsyncIterable<Page<RemoteListing | RemoteOrder>> =
      phase === 'PRODUCTS'
        ? connector.listProducts({
            mode: run.mode === 'INCREMENTAL' && !run.since ? 'FULL' : run.mode,
            since: run.since ?? undefined,
            skus: run.skus,
            startCursor,
            signal,
          })
        : connector.listOrders({ since: run.ordersSince ?? undefined, startCursor, signal });
    try {
      for await (const page of pages) {
        attempts = 0;
        const next = await commitPage(services, config, attempt, current(), phase, page, phaseIndex, phaseCount);
        update(next);
        await refreshStatistics(services, next, phase);
        if (next.cancelRequestedAt) throw new RunStopped('cancel');
        if (signal.aborted) throw new RunStopped(stopReason(signal));
        if (next.maxPages !== null && next.pagesDone >= next.maxPages) {
          await writeSyncLogs(services.prisma, services.logger, next, [{ level: 'INFO', message: `stopped after ${next.pagesDone} page(s) as asked (maxPages)` }]);
          return { complete: false, failedPages: 0 };
        }
      }
      return { complete: true, failedPages: 0 };
    } catch (error) {
      if (error instanceof RunStopped) throw error;
      if (signal.aborted) throw new RunStopped(stopReason(signal));
      if (error instanceof AuthError) throw error;
      // Not the page's fault: the run is released and resumes from this page once the database is back.
      if (isDatabaseOutage(error)) throw error;
      attempts++;
      const position = current().pagesDone;
      const giveUp = attempts >= maxAttempts;
      await writeSyncLogs(services.prisma, services.logger, current(), [
        {
          level: giveUp ? 'ERROR' : 'WARN',
          message: giveUp
            ? `${phase.toLowerCase()} page after ${position} page(s) failed ${attempts} times, phase stopped: ${messageOf(error)}`
            : `${phase.toLowerCase()} page after ${position} page(s) failed (attempt ${attempts} of ${maxAttempts}), retrying: ${messageOf(error)}`,
          context: { phase, cursor: current().cursor, error: messageOf(error) },
        },
      ]);
      if (giveUp) {
        update(await services.prisma.syncRun.update({ where: { id: current().id }, data: { pageFailures: { increment: 1 } } }));
        return { complete: false, failedPages: 1 };
      }
      try {
        await sleep((config.pageRetryDelayMs ?? 1000) * 2 ** (attempts - 1), undefined, { signal });
      } catch {
        throw new RunStopped(stopReason(signal));
      }
    }
  }
}

async function commitPage(
  services: AppServices,
  config: ExecutorConfig,
  attempt: Attempt,
  run: SyncRun,
  phase: Phase,
  page: Page<RemoteListing | RemoteOrder>,
  phaseIndex: number,
  phaseCount: number,
): Promise<SyncRun> {
  const now = new Date();
  if (phase === 'ORDERS') attempt.firstOrdersImport ??= await isFirstOrdersImport(services, run);
  const { next, outcome } = await transact(services, 'sync', async (tx, emit) => {
    const input = { tx, accountId: run.accountId, runId: run.id, strategy: run.conflictStrategy, now };
    const outcome: PageOutcome =
      phase === 'PRODUCTS'
        ? await writeListingPage({ ...input, items: page.items as RemoteListing[] })
        : await writeOrderPage({ ...input, items: page.items as RemoteOrder[], announceNew: !attempt.firstOrdersImport });
    if (phase === 'PRODUCTS' && run.mode === 'FULL' && page.items.length > 0) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "SyncRunSeen" ("runId", "externalId") SELECT $1::uuid, x FROM unnest($2::text[]) AS x ON CONFLICT DO NOTHING`,
        run.id,
        page.items.map((item) => String(item.externalId)),
      );
    }
    const pagesInPhase = page.pageIndex + 1;
    const phaseTotal = page.totalPages ?? (page.cursor ? pagesInPhase + 1 : pagesInPhase);
    const entries: LogEntry[] = outcome.failures.slice(0, MAX_RECORD_LOGS_PER_PAGE).map((f) => ({
      level: 'ERROR' as const,
      message: `record ${f.externalId || '(no id)'} skipped: ${f.reason}`,
      context: { phase, externalId: f.externalId, sku: f.sku, reason: f.reason, page: page.pageIndex },
    }));
    if (outcome.failures.length > MAX_RECORD_LOGS_PER_PAGE) {
      entries.push({ level: 'ERROR', message: `${outcome.failures.length - MAX_RECORD_LOGS_PER_PAGE} more record(s) of page ${page.pageIndex} skipped`, context: { phase, page: page.pageIndex } });
    }
    entries.push({
      level: 'DEBUG',
      message: `${phase.toLowerCase()} page ${pagesInPhase}/${phaseTotal}: ${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.failures.length} failed`,
      context: { phase, page: page.pageIndex, items: page.items.length, conflicts: outcome.conflicts },
    });
    await writeSyncLogs(tx, services.logger, run, entries);
    // The page's events go to webhooks with the page itself (outbox): rolled back with it if it is.
    for (const [type, payload] of outcome.events) emit(type, payload);
    const watermarkField = phase === 'PRODUCTS' ? 'watermark' : 'ordersWatermark';
    const rows = await tx.$queryRawUnsafe<SyncRun[]>(
      `UPDATE "SyncRun" SET
          created = created + $3, updated = updated + $4, unchanged = unchanged + $5, failed = failed + $6, conflicts = conflicts + $7,
          "pagesDone" = "pagesDone" + 1, "itemsDone" = "itemsDone" + $8, cursor = $9,
          "pagesTotal" = $10, "itemsTotal" = $11, percent = $12, "heartbeatAt" = now(),
          "${watermarkField}" = GREATEST("${watermarkField}", $13::timestamptz), "activeMs" = $14
        WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING'
        RETURNING *`,
      run.id,
      config.instanceId,
      outcome.created,
      outcome.updated,
      outcome.unchanged,
      outcome.failures.length,
      outcome.conflicts,
      page.items.length,
      page.cursor,
      // pageIndex continues across resumes, so pages of earlier phases are pagesDone - pageIndex.
      run.pagesDone - page.pageIndex + phaseTotal,
      phase === 'PRODUCTS' ? (page.totalItems ?? null) : run.itemsTotal,
      phasePercent(phaseIndex, phaseCount, pagesInPhase / phaseTotal),
      outcome.maxRemoteUpdatedAt?.toISOString() ?? null,
      activeMs(attempt),
    );
    // Another instance reaped this run as stale and took it over: roll this page back.
    if (rows.length === 0) throw new RunStopped('lost');
    return { next: normalizeRun(rows[0]!), outcome };
  });
  recordSyncPage(services.metrics, attempt, phase, outcome);
  if (outcome.repushed > 0) services.wake?.('pushes');
  services.events.publishSyncProgress(progressEvent(next));
  return next;
}

const TERMINAL_EVENT = { SUCCESS: 'sync.completed', PARTIAL: 'sync.completed', FAILED: 'sync.failed' } as const;

/**
 * Ends the run: a complete FULL products phase delists what it did not see, the watermarks of
 * incomplete phases are dropped (the next INCREMENTAL must not skip what this run missed), the
 * account's active slot is released, and the outcome is logged and published.
 */
async function finish(
  services: AppServices,
  run: SyncRun,
  attempt: Attempt,
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'CANCELLED',
  error: string | null,
  complete: ReadonlySet<Phase>,
): Promise<SyncRun> {
  const productsComplete = complete.has('PRODUCTS') && status !== 'CANCELLED';
  const ordersComplete = complete.has('ORDERS') && status !== 'CANCELLED';
  // A FULL listing without remote timestamps still proves everything up to its start was seen.
  const productsMark = productsComplete ? (run.watermark ?? (run.mode === 'FULL' ? run.startedAt : null)) : null;
  // The delisting, the final state and its webhook deliveries commit together (outbox): a run
  // whose finish is cut by an outage resumes with its seen set intact, never delisting everything.
  const ended = await transact(services, run.triggeredBy, async (tx, emit) => {
    // Only while this instance still owns it: a run reaped, or cancelled as stuck, stays as it was left.
    const owned = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "SyncRun" WHERE id = $1::uuid AND "ownerId" = $2 AND status = 'RUNNING' FOR UPDATE`, run.id, attempt.ownerId);
    if (owned.length === 0) return null;
    let delisted = 0;
    if (run.mode === 'FULL' && productsComplete) {
      delisted = await tx.$executeRawUnsafe(
        `UPDATE "Listing" l SET status = 'DELISTED', "updatedAt" = now()
          WHERE l."accountId" = $1::uuid AND l.status <> 'DELISTED'
            AND NOT EXISTS (SELECT 1 FROM "SyncRunSeen" s WHERE s."runId" = $2::uuid AND s."externalId" = l."externalId")`,
        run.accountId,
        run.id,
      );
    }
    await tx.syncRunSeen.deleteMany({ where: { runId: run.id } });
    const [final] = await tx.syncRun.updateManyAndReturn({
      where: { id: run.id, ownerId: attempt.ownerId, status: 'RUNNING' },
      data: {
        status,
        error,
        delisted,
        activeKey: null,
        cursor: null,
        heartbeatAt: null,
        finishedAt: new Date(),
        activeMs: activeMs(attempt),
        percent: status === 'SUCCESS' || status === 'PARTIAL' ? 100 : run.percent,
        watermark: run.mode === 'SELECTIVE' ? null : productsMark,
        ordersWatermark: ordersComplete ? (run.ordersWatermark ?? run.startedAt) : null,
      },
    });
    if (!final) return null;
    if (status !== 'CANCELLED') emit(TERMINAL_EVENT[status], { runId: final.id, accountId: final.accountId, status, created: final.created, updated: final.updated, unchanged: final.unchanged, failed: final.failed, delisted, error });
    return { final, delisted };
  });
  if (!ended) return (await services.prisma.syncRun.findUnique({ where: { id: run.id } })) ?? run;
  const { final, delisted } = ended;
  recordSyncRunFinished(services.metrics, attempt, status);
  const summary = `${final.created} created, ${final.updated} updated, ${final.unchanged} unchanged, ${final.failed} failed, ${delisted} delisted, ${final.conflicts} conflict(s)`;
  await writeSyncLogs(services.prisma, services.logger, final, [
    { level: status === 'SUCCESS' ? 'INFO' : status === 'FAILED' ? 'ERROR' : 'WARN', message: `sync ${status}${error ? ` (${error})` : ''}: ${summary}`, context: { durationMs: final.activeMs } },
  ]);
  services.events.publishSyncProgress(progressEvent(final));
  publishRun(services, final);
  return final;
}

/**
 * Ends a run whose executor kept crashing (the runner's crash-loop limit) as FAILED through the
 * same path as any failed run: terminal event and its webhook deliveries, metrics, logs.
 */
export async function failCrashedRun(services: AppServices, instanceId: string, run: SyncRun, crashes: number, message: string): Promise<SyncRun> {
  await services.prisma.syncRun.updateMany({ where: { id: run.id, ownerId: instanceId, status: 'RUNNING' }, data: { crashCount: crashes } });
  const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: run.accountId }, select: { channel: true } });
  const attempt: Attempt = { ownerId: instanceId, startedAt: Date.now(), activeMsBefore: run.activeMs, accountId: run.accountId, channel: account?.channel ?? 'unknown' };
  return finish(services, run, attempt, 'FAILED', message, new Set());
}

/** Shutdown mid-run: keep the slot and the cursor so the next worker resumes from the last committed page. */
async function interrupt(services: AppServices, run: SyncRun, attempt: Attempt): Promise<SyncRun> {
  const [stopped] = await services.prisma.syncRun.updateManyAndReturn({
    where: { id: run.id, ownerId: attempt.ownerId, status: 'RUNNING' },
    data: { status: 'INTERRUPTED', ownerId: null, heartbeatAt: null, activeMs: activeMs(attempt) },
  });
  if (!stopped) return run;
  await writeSyncLogs(services.prisma, services.logger, stopped, [{ level: 'WARN', message: `interrupted by shutdown after ${stopped.pagesDone} page(s); it resumes from there` }]);
  publishRun(services, stopped);
  return stopped;
}

export function publishRun(services: AppServices, run: SyncRun): void {
  services.events.publishSyncRun({ runId: run.id, accountId: run.accountId, status: run.status });
}

function stopReason(signal: AbortSignal): StopReason {
  return signal.reason instanceof RunStopped ? signal.reason.reason : 'shutdown';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** $queryRaw returns numeric columns as they come; the run's are all integers and a float. */
function normalizeRun(row: SyncRun): SyncRun {
  return { ...row, percent: Number(row.percent) };
}

/**
 * A first FULL sync grows an account from nothing to many rows; until PostgreSQL re-analyzes the
 * tables, its plan for "this page's rows of this account" reads every row the account has (8 ms
 * a page at 100k rows instead of 0.2 ms). Re-analyze as the run's writes grow tenfold.
 */
async function refreshStatistics(services: AppServices, run: SyncRun, phase: Phase): Promise<void> {
  if (run.created === 0 || ![3, 30, 300, 3000].includes(run.pagesDone)) return;
  const tables = phase === 'PRODUCTS' ? ['"Listing"', '"Product"'] : ['"Order"', '"OrderItem"'];
  for (const table of tables) await services.prisma.$executeRawUnsafe(`ANALYZE ${table}`);
}
