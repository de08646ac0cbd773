/**
 * Executes one claimed sync run: phase by phase (products, then orders), page by page. Each page
 * is written with the run's advance in one transaction (sync-run.lifecycle.ts), so a crash leaves
 * the run exactly at its last committed page, ready to resume. A page that fails is retried from
 * the last cursor; one that keeps failing ends its phase (nothing local is deleted) and the run is
 * PARTIAL. How the run starts, advances and ends is the lifecycle's; this file is the phase loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MarketplaceAccount, SyncRun } from '../../generated/prisma/client.js';
import type { AppServices } from '../../core/services.js';
import { AuthError, type Connector, type Page, type RemoteListing, type RemoteOrder } from '../../connectors/index.js';
import { connectorFor } from '../accounts/account-connector.js';
import { writeListingPage } from './listing-writer.js';
import { writeOrderPage } from './order-writer.js';
import type { PageOutcome } from './page-effects.js';
import { MAX_RECORD_LOGS_PER_PAGE, insertSyncLogs, writeSyncLogs, type LogEntry } from './sync-log.js';
import { phasePercent, phasesOf, runTotals } from './sync-progress.js';
import { recordSyncPage } from '../metrics/sync.metrics.js';
import { isDatabaseOutage } from './database-outage.js';
import { openOrderIds } from '../orders/open-orders.js';
import { commitPage, countFailedPage, finishRun, interruptRun, leaseOf, retryRun, RunStopped, startRun, type Phase, type RunLease, type StopReason } from './sync-run.lifecycle.js';

export interface ExecutorConfig {
  instanceId: string;
  lookbackSeconds: number;
  /** Attempts of one page position before its phase is given up; default 3. */
  pageAttempts?: number;
  /** Wait between those attempts; default 1000 ms (doubling). */
  pageRetryDelayMs?: number;
}

/** This process's share of the run. */
interface Attempt extends RunLease {
  /**
   * The account's first orders import (no earlier run completed an orders phase): the orders it
   * finds predate Stockline, so they are not announced one by one as order.created.
   */
  firstOrdersImport?: boolean;
}

interface PhaseResult {
  complete: boolean;
  failedPages: number;
}

export async function executeRun(services: AppServices, config: ExecutorConfig, claimed: SyncRun, signal: AbortSignal): Promise<SyncRun> {
  const attempt: Attempt = leaseOf(claimed, config.instanceId);
  const run = claimed;

  const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: run.accountId } });
  if (account) attempt.channel = account.channel;
  if (!account || !account.enabled) return finishRun(services, attempt, run, 'FAILED', account ? 'the account is disabled' : 'the account no longer exists', new Set());
  // Cancelled while it was running and then released (its executor failed): it ends here.
  if (run.cancelRequestedAt) return finishRun(services, attempt, run, 'CANCELLED', 'cancelled', new Set());
  await startRun(services, run);

  let connector: Connector;
  try {
    connector = connectorFor(services, account);
  } catch (error) {
    return finishRun(services, attempt, run, 'FAILED', messageOf(error), new Set());
  }

  // The account's time budget for this attempt: past it the marketplace call in flight is aborted
  // and the run is retried from its last committed page, or FAILED (retryOrFail).
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new RunStopped('timeout')), account.syncTimeoutSeconds * 1000);
  try {
    return await runPhases(services, config, attempt, run, account, connector, AbortSignal.any([signal, deadline.signal]));
  } finally {
    clearTimeout(timer);
  }
}

async function runPhases(services: AppServices, config: ExecutorConfig, attempt: Attempt, claimed: SyncRun, account: MarketplaceAccount, connector: Connector, signal: AbortSignal): Promise<SyncRun> {
  let run = claimed;
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
      if (error.reason === 'cancel') return finishRun(services, attempt, run, 'CANCELLED', 'cancelled', complete);
      if (error.reason === 'shutdown') return interruptRun(services, attempt, run);
      if (error.reason === 'timeout') return retryOrFail(services, attempt, run, account, `timed out after ${account.syncTimeoutSeconds} s`, complete);
      return run; // ownership lost: another instance took the run over
    }
    // The database went away: nothing more can be written; the runner releases the run to resume.
    if (isDatabaseOutage(error)) throw error;
    fatal = error instanceof AuthError ? `authentication failed: ${error.message}` : messageOf(error);
    await writeSyncLogs(services.prisma, services.logger, run, [{ level: 'ERROR', message: `sync stopped: ${fatal}`, context: { kind: error instanceof AuthError ? 'AUTH' : 'ERROR' } }]);
  }

  const failedPages = run.pageFailures;
  const status = fatal ? (run.pagesDone > 0 ? 'PARTIAL' : 'FAILED') : failedPages > 0 || run.failed > 0 ? 'PARTIAL' : 'SUCCESS';
  return finishRun(services, attempt, run, status, fatal ?? (failedPages > 0 ? `${failedPages} page(s) could not be read` : null), complete);
}

/** A timed-out attempt: retried while the account's syncRetries allow, else the run ends FAILED saying how often it timed out. */
async function retryOrFail(services: AppServices, attempt: Attempt, run: SyncRun, account: MarketplaceAccount, what: string, complete: ReadonlySet<Phase>): Promise<SyncRun> {
  if (run.retries < account.syncRetries) return retryRun(services, attempt, run, what, account.syncRetries);
  const attempts = run.retries + 1;
  await writeSyncLogs(services.prisma, services.logger, run, [
    { level: 'ERROR', message: `${what} (attempt ${attempts} of ${account.syncRetries + 1}) at page ${run.pagesDone}; no retries left`, context: { kind: 'TIMEOUT', retries: run.retries } },
  ]);
  return finishRun(services, attempt, run, 'FAILED', attempts > 1 ? `${what} on each of ${attempts} attempts` : what, complete);
}

/**
 * Fixes the phase's INCREMENTAL watermark (stored, so a resumed run asks for the same window) and
 * where its counts begin (every earlier phase is complete: their totals are what they read).
 */
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
    data: {
      phase,
      cursor: null,
      phasePagesStart: run.pagesDone,
      phaseItemsStart: run.itemsDone,
      // Unknown again until the new phase's first page says how much it holds.
      pagesTotal: null,
      itemsTotal: null,
      ...(phase === 'PRODUCTS' ? { since } : { ordersSince: since }),
    },
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
  // Read once per phase: the set must not shift under a listing that resumes by cursor.
  const openOrders = phase === 'ORDERS' ? await openOrderIds(services, current().accountId) : undefined;
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
        : connector.listOrders({ since: run.ordersSince ?? undefined, openOrderIds: openOrders, startCursor, signal });
    try {
      for await (const page of pages) {
        attempts = 0;
        const next = await syncPage(services, attempt, current(), phase, page, phaseIndex, phaseCount);
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
      // The failure may have come after the page committed (in what follows a commit): go on from
      // what the database holds, so that page is neither read nor counted twice.
      update(await services.prisma.syncRun.findUniqueOrThrow({ where: { id: current().id } }));
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
        update(await countFailedPage(services, current()));
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

/** Writes one page of a phase and moves the run on, in one transaction. */
async function syncPage(
  services: AppServices,
  attempt: Attempt,
  run: SyncRun,
  phase: Phase,
  page: Page<RemoteListing | RemoteOrder>,
  phaseIndex: number,
  phaseCount: number,
): Promise<SyncRun> {
  const now = new Date();
  if (phase === 'ORDERS') attempt.firstOrdersImport ??= await isFirstOrdersImport(services, run);
  const totals = runTotals({
    pagesDone: run.pagesDone + 1,
    itemsDone: run.itemsDone + page.items.length,
    phasePagesStart: run.phasePagesStart,
    phaseItemsStart: run.phaseItemsStart,
    more: page.cursor !== null,
    reportedPages: page.totalPages,
    reportedItems: page.totalItems,
  });
  const { run: next, written: outcome } = await commitPage(services, attempt, run, async (tx, emit) => {
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
      message: `${phase.toLowerCase()} page ${totals.phasePage}/${totals.phasePages}: ${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.failures.length} failed`,
      // What the marketplace said, beside what the run counts (they differ where its estimate was low).
      context: { phase, page: page.pageIndex, items: page.items.length, edits: outcome.edits, reportedPages: page.totalPages, reportedItems: page.totalItems },
    });
    await insertSyncLogs(tx, run, entries); // printed once the page has committed (commitPage)
    // The page's events go to webhooks with the page itself (outbox): rolled back with it if it is.
    for (const [type, payload] of outcome.events) emit(type, payload);
    const advance = {
      phase,
      created: outcome.created,
      updated: outcome.updated,
      unchanged: outcome.unchanged,
      failed: outcome.failures.length,
      edits: outcome.edits,
      items: page.items.length,
      cursor: page.cursor,
      pagesTotal: totals.pagesTotal,
      itemsTotal: totals.itemsTotal,
      percent: phasePercent(phaseIndex, phaseCount, totals.phaseFraction),
      newestRemoteChange: outcome.maxRemoteUpdatedAt,
    };
    return { advance, written: outcome, lines: entries };
  }, (outcome) => recordSyncPage(services.metrics, attempt, phase, outcome));
  if (outcome.repushed > 0) services.wake?.('pushes');
  return next;
}

function stopReason(signal: AbortSignal): StopReason {
  return signal.reason instanceof RunStopped ? signal.reason.reason : 'shutdown';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
