/**
 * Reading and editing schedules and the scheduler's shared pause switch (what the API calls).
 * Writes never move `nextFireAt` unless the timing or the enabled flag changed, so an edit racing
 * a firing on another instance cannot roll its claim back and fire the same slot twice.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Prisma, PrismaClient, Schedule, ScheduleKind } from '../generated/prisma/client.js';
import type { Actor, AppServices } from '../core/services.js';
import type { RowQuery } from '../core/row-query.js';
import { isUuid } from '../core/ids.js';
import { CUSTOM_KEY_PREFIX } from './default-schedules.js';
import { scheduleError } from './schedule.errors.js';
import { createScheduleInput, scheduleIdInput, updateScheduleInput } from './schedule.inputs.js';
import { nextFireTime } from './schedule-timing.js';

const STATE_ID = 1;

export interface SchedulerStatus {
  paused: boolean;
  pausedBy: string | null;
  pausedAt: Date | null;
}

export interface ScheduleFilter {
  accountId?: string | null;
  kind?: ScheduleKind | null;
  enabled?: boolean | null;
}

const NO_ROW = '00000000-0000-0000-0000-000000000000';

export function scheduleWhere(filter: ScheduleFilter | null | undefined): Prisma.ScheduleWhereInput {
  const where: Prisma.ScheduleWhereInput = {};
  if (filter?.accountId != null) where.accountId = isUuid(filter.accountId) ? filter.accountId : NO_ROW;
  if (filter?.kind) where.kind = filter.kind;
  if (filter?.enabled != null) where.enabled = filter.enabled;
  return where;
}

export async function schedulerStatus(prisma: PrismaClient): Promise<SchedulerStatus> {
  const state = await prisma.schedulerState.findUnique({ where: { id: STATE_ID } });
  return { paused: state?.paused ?? false, pausedBy: state?.pausedBy ?? null, pausedAt: state?.pausedAt ?? null };
}

export async function isSchedulerPaused(prisma: PrismaClient): Promise<boolean> {
  return (await schedulerStatus(prisma)).paused;
}

/** Every instance stops claiming firings (the switch is a row they all read). Pausing twice keeps the first pause. */
export async function pauseScheduler(services: AppServices, actor: Actor, now = new Date()): Promise<SchedulerStatus> {
  await services.prisma.schedulerState.upsert({ where: { id: STATE_ID }, create: { id: STATE_ID, paused: true, pausedBy: actor.name, pausedAt: now }, update: {} });
  await services.prisma.schedulerState.updateMany({ where: { id: STATE_ID, paused: false }, data: { paused: true, pausedBy: actor.name, pausedAt: now } });
  services.logger.info({ by: actor.name }, 'scheduler paused');
  return schedulerStatus(services.prisma);
}

/**
 * Resumes every instance. Firings due while paused are not made up for: their next fire time is
 * moved to the first slot after now (before the switch flips, so no instance fires them meanwhile).
 */
export async function resumeScheduler(services: AppServices, actor: Actor, now = new Date()): Promise<SchedulerStatus> {
  const overdue = await services.prisma.schedule.findMany({ where: { enabled: true, nextFireAt: { lt: now } } });
  for (const row of overdue) {
    const next = safeNext(row, now);
    await services.prisma.schedule.updateMany({ where: { id: row.id, nextFireAt: row.nextFireAt }, data: { nextFireAt: next } });
  }
  await services.prisma.schedulerState.updateMany({ where: { id: STATE_ID }, data: { paused: false, pausedBy: null, pausedAt: null } });
  services.logger.info({ by: actor.name, rescheduled: overdue.length }, 'scheduler resumed');
  services.wake?.('scheduler');
  return schedulerStatus(services.prisma);
}

/** The next slot on the row's grid after `now`; null when its timing is unusable (then it does not fire). */
function safeNext(row: Pick<Schedule, 'cron' | 'intervalSeconds' | 'nextFireAt'>, now: Date): Date | null {
  try {
    return nextFireTime(row, now, row.nextFireAt);
  } catch {
    return null;
  }
}

/**
 * Changes a schedule. Giving cron or intervalSeconds replaces the timing (the other becomes null);
 * a new timing or time zone, or enabling, sets the next fire time to the first one after now;
 * disabling clears it.
 */
export async function updateSchedule(services: AppServices, _actor: Actor, raw: z.input<typeof updateScheduleInput>, now = new Date()): Promise<Schedule> {
  const input = updateScheduleInput.parse(raw);
  const current = await services.prisma.schedule.findUnique({ where: { id: input.id } });
  if (!current) throw scheduleError('NOT_FOUND', `No schedule with id ${input.id}`, ['input', 'id']);
  if (current.kind !== 'SYNC') {
    for (const field of ['scope', 'mode'] as const) {
      if (input[field] != null) throw scheduleError('VALIDATION', `only SYNC schedules have a ${field}; this one is ${current.kind}`, ['input', field]);
    }
  }
  const data: Prisma.ScheduleUpdateInput = {};
  if (input.scope != null) data.scope = input.scope;
  if (input.mode != null) data.mode = input.mode;
  const timingChanged = input.cron != null || input.intervalSeconds != null || (input.timeZone != null && input.timeZone !== current.timeZone);
  const timing = {
    ...(input.cron != null || input.intervalSeconds != null ? { cron: input.cron ?? null, intervalSeconds: input.intervalSeconds ?? null } : { cron: current.cron, intervalSeconds: current.intervalSeconds }),
    timeZone: input.timeZone ?? current.timeZone,
  };
  if (timingChanged) Object.assign(data, timing);
  const enabled = input.enabled ?? current.enabled;
  if (enabled !== current.enabled) data.enabled = enabled;
  if (!enabled) data.nextFireAt = null;
  else if (timingChanged || !current.enabled || current.nextFireAt === null) data.nextFireAt = nextFireTime(timing, now);
  if (data.nextFireAt !== undefined) data.lastError = null;
  const updated = await services.prisma.schedule.update({ where: { id: current.id }, data });
  services.wake?.('scheduler');
  return updated;
}

/** An extra SYNC schedule for one account (key "custom:<uuid>"); default ALL INCREMENTAL, enabled, cron read in SCHEDULER_TIME_ZONE. */
export async function createSchedule(services: AppServices, _actor: Actor, raw: z.input<typeof createScheduleInput>, now = new Date()): Promise<Schedule> {
  const input = createScheduleInput.parse(raw);
  const account = await services.prisma.marketplaceAccount.findUnique({ where: { id: input.accountId }, select: { id: true } });
  if (!account) throw scheduleError('NOT_FOUND', `No marketplace account with id ${input.accountId}`, ['input', 'accountId']);
  const timing = { cron: input.cron ?? null, intervalSeconds: input.intervalSeconds ?? null, timeZone: input.timeZone ?? services.scheduling?.timeZone ?? 'UTC' };
  const enabled = input.enabled ?? true;
  const created = await services.prisma.schedule.create({
    data: {
      key: `${CUSTOM_KEY_PREFIX}${randomUUID()}`,
      kind: 'SYNC',
      accountId: account.id,
      scope: input.scope ?? 'ALL',
      mode: input.mode ?? 'INCREMENTAL',
      ...timing,
      enabled,
      nextFireAt: enabled ? nextFireTime(timing, now) : null,
    },
  });
  services.wake?.('scheduler');
  return created;
}

/**
 * Deletes a schedule made with createSchedule. Defaults cannot be deleted (they would come back at
 * the next start): disable them. The row is locked, read (with what `query` asks for, the payload's
 * selection) and deleted in one transaction, so the answer is the row that was deleted.
 */
export async function deleteSchedule(services: AppServices, _actor: Actor, raw: z.input<typeof scheduleIdInput>, query: RowQuery = {}): Promise<Schedule> {
  const { id } = scheduleIdInput.parse(raw);
  return services.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Schedule" WHERE id = ${id}::uuid FOR UPDATE`;
    const current = await tx.schedule.findUnique({ where: { id } });
    if (!current) throw scheduleError('NOT_FOUND', `No schedule with id ${id}`, ['input', 'id']);
    if (!current.key.startsWith(CUSTOM_KEY_PREFIX)) throw scheduleError('NOT_DELETABLE', `Schedule ${current.key} is a default schedule; disable it instead`, ['input', 'id']);
    const selected = query.include || query.select ? await tx.schedule.findUniqueOrThrow({ ...(query as object), where: { id } }) : {};
    await tx.schedule.delete({ where: { id } });
    return { ...selected, ...current };
  });
}
