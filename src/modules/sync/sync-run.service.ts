import type { z } from 'zod';
import type { MarketplaceAccount, SyncRun } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { isUniqueViolation } from '../../db/errors.js';
import { DomainErrors } from '../../core/domain-error.js';
import { publishRun } from './run-executor.js';
import { syncError } from './sync.errors.js';
import { runIdInput, triggerSyncInput } from './sync.inputs.js';
import { writeSyncLogs } from './sync-log.js';
import { recordSyncRunFinished } from '../metrics/sync.metrics.js';
import { settingsOf } from '../monitoring/monitoring.settings.js';

/**
 * Queues one run per target account and returns at once. An account that already has an active
 * run (PENDING, RUNNING or INTERRUPTED) gets that run back instead of a second one: the unique
 * `activeKey` makes this hold across instances and concurrent callers.
 */
export async function triggerSync(services: AppServices, actor: Actor, raw: z.input<typeof triggerSyncInput>): Promise<SyncRun[]> {
  const input = triggerSyncInput.parse(raw);
  const accounts = await targetAccounts(services, input);
  const runs: SyncRun[] = [];
  for (const account of accounts) {
    const run = await createOrJoin(services, actor, account, input);
    runs.push(run);
  }
  services.wake?.('syncs');
  return runs;
}

async function targetAccounts(services: AppServices, input: z.output<typeof triggerSyncInput>): Promise<MarketplaceAccount[]> {
  const ids = [...new Set(input.accountIds ?? [])];
  const byId = ids.length ? await services.prisma.marketplaceAccount.findMany({ where: { id: { in: ids } } }) : [];
  const refusals = ids.flatMap((id, i) => {
    const account = byId.find((a) => a.id === id);
    if (!account) return [syncError('NOT_FOUND', `No marketplace account with id ${id}`, ['input', 'accountIds', String(i)])];
    if (!account.enabled) return [syncError('ACCOUNT_DISABLED', `Account "${account.name}" is disabled; enable it to sync`, ['input', 'accountIds', String(i)])];
    return [];
  });
  if (refusals.length) throw new DomainErrors(refusals);
  // No account and no channel named: every enabled account. Disabled accounts of a named channel are skipped.
  const byChannel =
    input.channels?.length || !ids.length
      ? await services.prisma.marketplaceAccount.findMany({ where: { enabled: true, ...(input.channels?.length ? { channel: { in: input.channels } } : {}) } })
      : [];
  const all = new Map([...byId, ...byChannel].map((a) => [a.id, a]));
  if (all.size === 0) throw syncError('NO_ACCOUNTS', input.channels?.length ? `No enabled account on ${input.channels.join(', ')}` : 'No enabled marketplace account to sync');
  return [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function createOrJoin(services: AppServices, actor: Actor, account: MarketplaceAccount, input: z.output<typeof triggerSyncInput>): Promise<SyncRun> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const active = await services.prisma.syncRun.findUnique({ where: { activeKey: account.id } });
    if (active) return active;
    try {
      const run = await services.prisma.syncRun.create({
        data: {
          accountId: account.id,
          activeKey: account.id,
          scope: input.scope,
          mode: input.mode,
          skus: input.skus ?? [],
          maxPages: input.maxPages ?? null,
          conflictStrategy: input.conflictStrategy ?? account.conflictStrategy,
          triggeredBy: actor.name,
        },
      });
      await writeSyncLogs(services.prisma, services.logger, run, [{ level: 'INFO', message: `${run.mode} ${run.scope} sync queued by ${actor.name}` }]);
      publishRun(services, run);
      return run;
    } catch (error) {
      // Someone else queued a run for this account between our check and insert: join theirs.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`could not queue or find the active sync of account ${account.id}`);
}

/**
 * A run that has not started (or waits to resume) is cancelled at once; a running one stops at
 * its next page boundary, in whichever instance runs it (it reads the request with its heartbeat).
 * A stuck one (RUNNING, heartbeat older than the stale interval: no worker is moving it) is
 * cancelled at once too; should its worker come back, its writes find the run no longer its own.
 */
export async function cancelSyncRun(services: AppServices, actor: Actor, raw: z.input<typeof runIdInput>): Promise<SyncRun> {
  const { id } = runIdInput.parse(raw);
  const stuckBefore = new Date(Date.now() - settingsOf(services).runStaleAfterMs);
  const waiting = await services.prisma.syncRun.updateManyAndReturn({
    where: { id, OR: [{ status: { in: ['PENDING', 'INTERRUPTED'] } }, { status: 'RUNNING', OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stuckBefore } }] }] },
    data: { status: 'CANCELLED', activeKey: null, ownerId: null, heartbeatAt: null, finishedAt: new Date(), cancelRequestedAt: new Date(), error: `cancelled by ${actor.name}` },
  });
  if (waiting[0]) {
    // No worker will finish it: it is counted here, by the instance that took the cancellation.
    const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: waiting[0].accountId }, select: { channel: true } });
    recordSyncRunFinished(services.metrics, { accountId: waiting[0].accountId, channel: account?.channel ?? 'unknown' }, 'CANCELLED');
    await writeSyncLogs(services.prisma, services.logger, waiting[0], [{ level: 'WARN', message: `cancelled by ${actor.name} while no worker was running it` }]);
    publishRun(services, waiting[0]);
    return waiting[0];
  }
  const running = await services.prisma.syncRun.updateManyAndReturn({ where: { id, status: 'RUNNING' }, data: { cancelRequestedAt: new Date() } });
  if (running[0]) {
    await writeSyncLogs(services.prisma, services.logger, running[0], [{ level: 'WARN', message: `cancellation requested by ${actor.name}` }]);
    services.syncRunner?.cancel(id);
    return running[0];
  }
  const run = await services.prisma.syncRun.findUnique({ where: { id } });
  if (!run) throw syncError('NOT_FOUND', `No sync run with id ${id}`, ['input', 'id']);
  throw syncError('RUN_FINISHED', `Sync run ${id} already finished (${run.status})`, ['input', 'id']);
}
