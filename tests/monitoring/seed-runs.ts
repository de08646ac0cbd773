import type { TestApp } from '../helpers/app.js';

export type RunStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED';

export interface RunSeed {
  status: RunStatus;
  /** When it finished (finished statuses); default: `createdAt` + `activeMs`. */
  finishedAt?: Date | null;
  createdAt?: Date;
  activeMs?: number;
  itemsDone?: number;
  /** Default 1 for SUCCESS and PARTIAL, 0 otherwise. */
  pagesDone?: number;
  error?: string | null;
}

const FINISHED = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

/** A sync run row written straight to the database, as the runner would have left it. */
export async function seedRun(t: TestApp, accountId: string, seed: RunSeed) {
  const createdAt = seed.createdAt ?? new Date();
  const activeMs = seed.activeMs ?? 1000;
  const finished = FINISHED.has(seed.status);
  return t.app.services.prisma.syncRun.create({
    data: {
      accountId,
      scope: 'PRODUCTS',
      mode: 'FULL',
      conflictStrategy: 'REMOTE_PRIORITY',
      triggeredBy: 'test',
      status: seed.status,
      // In-progress runs hold the account's slot, as the runner's do.
      activeKey: finished ? null : accountId,
      // A RUNNING run owned by another, live instance: this app's worker leaves it alone (for a while).
      ...(seed.status === 'RUNNING' ? { ownerId: 'another-instance', heartbeatAt: new Date(Date.now() + 600_000) } : {}),
      createdAt,
      startedAt: seed.status === 'PENDING' ? null : createdAt,
      finishedAt: finished ? (seed.finishedAt ?? new Date(createdAt.getTime() + activeMs)) : null,
      activeMs,
      itemsDone: seed.itemsDone ?? 0,
      pagesDone: seed.pagesDone ?? (seed.status === 'SUCCESS' || seed.status === 'PARTIAL' ? 1 : 0),
      error: seed.error ?? null,
    },
  });
}

export const minutesAgo = (minutes: number, from = Date.now()) => new Date(from - minutes * 60_000);
