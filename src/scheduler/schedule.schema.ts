import { builder } from '../graphql/builder.js';
import { isUuid } from '../core/ids.js';
import { defineErrorType, runMutation } from '../graphql/payload.js';
import { selectionUnder } from '../graphql/deleted-row.js';
import { MarketplaceAccount } from '../modules/accounts/account.schema.js';
import { SyncMode, SyncRun, SyncScope } from '../modules/sync/sync-run.schema.js';
import { CUSTOM_KEY_PREFIX } from './default-schedules.js';
import { scheduleErrorMeanings } from './schedule.errors.js';
import { MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS } from './schedule-timing.js';
import {
  createSchedule,
  deleteSchedule,
  pauseScheduler,
  resumeScheduler,
  schedulerStatus,
  scheduleWhere,
  updateSchedule,
} from './schedule.service.js';

export const ScheduleKind = builder.enumType('ScheduleKind', {
  description: 'What a schedule does when it fires.',
  values: {
    SYNC: { description: 'Syncs one account (scope and mode).' },
    LOG_RETENTION: { description: 'Deletes sync logs and finished marketplace pushes older than LOG_RETENTION_DAYS.' },
    TASK_RETENTION: { description: 'Deletes leftovers of finished work (today: bookkeeping of finished sync runs).' },
    STATS_REFRESH: { description: 'Recomputes the dashboard statistics.' },
  } as const,
});

// Scheduled syncs cannot be SELECTIVE (that needs SKUs), so inputs take a mode enum of their own.
export const ScheduledSyncMode = builder.enumType('ScheduledSyncMode', {
  description: 'How much a scheduled sync reads (SyncMode without SELECTIVE).',
  values: { INCREMENTAL: { description: 'What changed since the last successful run.' }, FULL: { description: 'Everything; unseen offers are delisted.' } } as const,
});

export const ScheduleError = defineErrorType('ScheduleError', scheduleErrorMeanings, 'Why a schedule mutation was refused; nothing was changed.');

export const Schedule = builder.prismaObject('Schedule', {
  description: 'Something that runs on its own, on a cron expression (5 fields, read in its timeZone) or an interval. Each firing runs once across all instances.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    key: t.exposeString('key', { description: 'Stable name: "sync:<accountId>:incremental|full", "log-retention", "task-retention", "stats-refresh", or "custom:<id>".' }),
    kind: t.expose('kind', { type: ScheduleKind, description: 'What it does.' }),
    isDefault: t.boolean({ description: 'Created by Stockline itself; it can be edited or disabled but not deleted.', select: { key: true }, resolve: (s) => !s.key.startsWith(CUSTOM_KEY_PREFIX) }),
    account: t.relation('account', { nullable: true, description: 'SYNC schedules: the account synced.' }),
    scope: t.expose('scope', { type: SyncScope, nullable: true, description: 'SYNC schedules only.' }),
    mode: t.expose('mode', { type: SyncMode, nullable: true, description: 'SYNC schedules only: INCREMENTAL or FULL.' }),
    cron: t.exposeString('cron', { nullable: true, description: 'minute hour day-of-month month day-of-week, read in timeZone; null for an interval schedule.' }),
    intervalSeconds: t.exposeInt('intervalSeconds', { nullable: true, description: 'Seconds between firings; null for a cron schedule.' }),
    timeZone: t.exposeString('timeZone', {
      description: 'IANA time zone the cron expression is read in ("0 2 * * *" in Europe/Bucharest is 02:00 there, summer time or not); SCHEDULER_TIME_ZONE when the schedule was created. Intervals ignore it.',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether it fires.' }),
    nextFireAt: t.expose('nextFireAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it fires next; null while disabled. Stays in the past while the scheduler is paused or its account disabled.',
    }),
    lastFiredAt: t.expose('lastFiredAt', { type: 'DateTime', nullable: true, description: 'The fire time of the last firing (the slot, not when it ran).' }),
    lastRun: t.field({
      type: SyncRun,
      nullable: true,
      description: 'SYNC schedules: the run the last firing queued (or joined, when the account was already syncing).',
      select: { lastRunId: true },
      resolve: (s, _args, ctx) => (s.lastRunId ? ctx.prisma.syncRun.findUnique({ where: { id: s.lastRunId } }) : null),
    }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last firing failed; null when it succeeded.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed (settings or firing bookkeeping).' }),
  }),
});

const ScheduleFilter = builder.inputType('ScheduleFilter', {
  description: 'Which schedules: every given condition must hold.',
  fields: (t) => ({
    accountId: t.id({ required: false, description: 'Only SYNC schedules of this account.' }),
    kind: t.field({ type: ScheduleKind, required: false, description: 'Only schedules of this kind.' }),
    enabled: t.boolean({ required: false, description: 'Only enabled (true) or only disabled (false) schedules.' }),
  }),
});

const SchedulerStatus = builder.simpleObject('SchedulerStatus', {
  description: 'The scheduler switch shared by every instance.',
  fields: (t) => ({
    paused: t.boolean({ description: 'While true no instance fires anything.' }),
    pausedBy: t.string({ nullable: true, description: 'Token name of who paused it.' }),
    pausedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was paused; null while running.' }),
  }),
});

const filterOf = (filter: { accountId?: string | number | null; kind?: string | null; enabled?: boolean | null } | null | undefined) =>
  scheduleWhere({ accountId: filter?.accountId != null ? String(filter.accountId) : null, kind: (filter?.kind ?? null) as never, enabled: filter?.enabled ?? null });

builder.queryFields((t) => ({
  schedules: t.prismaConnection({
    type: 'Schedule',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Schedules by key; at most 100 per page.',
    args: { filter: t.arg({ type: ScheduleFilter, required: false, description: 'Default: every schedule.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.schedule.count({ where: filterOf(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.schedule.findMany({ ...query, where: filterOf(args.filter), orderBy: [{ key: 'asc' }, { id: 'asc' }] }),
  }),
  schedule: t.prismaField({
    type: 'Schedule',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One schedule by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The schedule id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.schedule.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
  schedulerStatus: t.field({
    type: SchedulerStatus,
    authScopes: { viewer: true },
    description: 'Whether the scheduler is paused, by whom and since when.',
    resolve: (_root, _args, ctx) => schedulerStatus(ctx.prisma),
  }),
}));

const timingFields = {
  cron: `5-field cron expression (minute hour day-of-month month day-of-week), read in timeZone. Give either this or intervalSeconds.`,
  interval: `Seconds between firings, ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}. Give either this or cron.`,
};

const UpdateScheduleInput = builder.inputType('UpdateScheduleInput', {
  description: 'Fields left out keep their value. A new timing or time zone, or enabling, sets nextFireAt to the first fire time after now; disabling clears it.',
  fields: (t) => ({
    id: t.id({ description: 'The schedule id.' }),
    cron: t.string({ required: false, description: timingFields.cron }),
    intervalSeconds: t.int({ required: false, description: timingFields.interval }),
    timeZone: t.string({ required: false, description: 'IANA time zone the cron expression is read in, e.g. Europe/Bucharest or UTC.' }),
    enabled: t.boolean({ required: false, description: 'Enable (true) or disable (false) it.' }),
    scope: t.field({ type: SyncScope, required: false, description: 'SYNC schedules only.' }),
    mode: t.field({ type: ScheduledSyncMode, required: false, description: 'SYNC schedules only.' }),
  }),
});

const CreateScheduleInput = builder.inputType('CreateScheduleInput', {
  description: 'An extra SYNC schedule for one account.',
  fields: (t) => ({
    accountId: t.id({ description: 'The account to sync (NOT_FOUND when there is none).' }),
    cron: t.string({ required: false, description: timingFields.cron }),
    intervalSeconds: t.int({ required: false, description: timingFields.interval }),
    timeZone: t.string({ required: false, description: 'IANA time zone the cron expression is read in; default SCHEDULER_TIME_ZONE (UTC unless configured).' }),
    enabled: t.boolean({ required: false, description: 'Default true.' }),
    scope: t.field({ type: SyncScope, required: false, description: 'Default ALL.' }),
    mode: t.field({ type: ScheduledSyncMode, required: false, description: 'Default INCREMENTAL.' }),
  }),
});

const SchedulePayload = builder.simpleObject('SchedulePayload', {
  description: 'The outcome of a schedule mutation: the schedule, or why it was refused.',
  fields: (t) => ({ schedule: t.field({ type: Schedule, nullable: true, description: 'The schedule after the change (as it was, for deleteSchedule); null when refused.' }), errors: t.field({ type: [ScheduleError] }) }),
});

const SchedulerStatusPayload = builder.simpleObject('SchedulerStatusPayload', {
  description: 'The outcome of pausing or resuming the scheduler: its status now.',
  fields: (t) => ({ status: t.field({ type: SchedulerStatus, nullable: true, description: 'The scheduler status after the call.' }), errors: t.field({ type: [ScheduleError] }) }),
});

const ScheduleIdInput = builder.inputType('ScheduleIdInput', { description: 'Which schedule.', fields: (t) => ({ id: t.id({ description: 'The schedule id.' }) }) });

// Editing schedules is configuration (ADMIN); pausing and resuming the whole scheduler is an
// operational action like triggering or cancelling a sync (OPERATOR).
builder.mutationFields((t) => ({
  updateSchedule: t.field({
    type: SchedulePayload,
    authScopes: { admin: true },
    description: 'Changes the timing, enabled state, scope or mode of a schedule, defaults included.',
    args: { input: t.arg({ type: UpdateScheduleInput, description: 'The schedule and its new settings.' }) },
    resolve: (_root, { input }, ctx) => runMutation('schedule', () => updateSchedule(ctx, ctx.actor!, { ...input, id: String(input.id) })),
  }),
  createSchedule: t.field({
    type: SchedulePayload,
    authScopes: { admin: true },
    description: 'Adds a SYNC schedule for one account, next to its default ones (its key is custom:<id>).',
    args: { input: t.arg({ type: CreateScheduleInput, description: 'The account, timing, scope and mode.' }) },
    resolve: (_root, { input }, ctx) => runMutation('schedule', () => createSchedule(ctx, ctx.actor!, { ...input, accountId: String(input.accountId) })),
  }),
  deleteSchedule: t.field({
    type: SchedulePayload,
    authScopes: { admin: true },
    description: 'Deletes a schedule made with createSchedule; returns it as it was. Default schedules can only be disabled.',
    args: { input: t.arg({ type: ScheduleIdInput, description: 'The schedule to delete.' }) },
    resolve: (_root, { input }, ctx, info) =>
      // What the payload selects is read in the delete's transaction, before the row goes (see src/graphql/deleted-row.ts).
      runMutation('schedule', () => deleteSchedule(ctx, ctx.actor!, { id: String(input.id) }, selectionUnder(ctx, info, 'schedule'))),
  }),
  pauseScheduler: t.field({
    type: SchedulerStatusPayload,
    authScopes: { operator: true },
    description: 'Stops every instance from firing schedules until resumeScheduler. Runs already queued continue.',
    resolve: (_root, _args, ctx) => runMutation('status', () => pauseScheduler(ctx, ctx.actor!)),
  }),
  resumeScheduler: t.field({
    type: SchedulerStatusPayload,
    authScopes: { operator: true },
    description: 'Resumes firing. Firings due while paused are skipped: each schedule next fires at its first slot after now.',
    resolve: (_root, _args, ctx) => runMutation('status', () => resumeScheduler(ctx, ctx.actor!)),
  }),
}));
