import type { z } from 'zod';
import type { MarketplaceAccount, SyncRun } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { DomainErrors } from '../../core/domain-error.js';
import { cancelRun, queueRun } from './sync-run.lifecycle.js';
import { syncError } from './sync.errors.js';
import { runIdInput, triggerSyncInput } from './sync.inputs.js';

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
    const run = await queueRun(services, actor, account, input);
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

/**
 * A run that has not started (or waits to resume), or is stuck, is cancelled at once; a running
 * one stops at its next page boundary (see cancelRun).
 */
export async function cancelSyncRun(services: AppServices, actor: Actor, raw: z.input<typeof runIdInput>): Promise<SyncRun> {
  const { id } = runIdInput.parse(raw);
  const cancelled = await cancelRun(services, actor, id);
  if (cancelled) return cancelled;
  const run = await services.prisma.syncRun.findUnique({ where: { id } });
  if (!run) throw syncError('NOT_FOUND', `No sync run with id ${id}`, ['input', 'id']);
  throw syncError('RUN_FINISHED', `Sync run ${id} already finished (${run.status})`, ['input', 'id']);
}
