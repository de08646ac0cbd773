import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { defineErrorType } from '../../graphql/payload.js';
import { isUuid } from '../../core/ids.js';
import type { TaskProgressEvent } from './task.events.js';
import { fileUrl } from '../files/file.store.js';
import { FILE_LINK_TTL_SECONDS, signedFileUrl } from '../files/file-link.js';
import { findTask, FINAL_TASK_STATUSES, taskEvent, taskPercent } from './task.service.js';
import { closingSource } from '../../events/closing-stream.js';
import { taskErrorMeanings } from './task.errors.js';
import type { Prisma, TaskStatus as TaskStatusValue } from '../../generated/prisma/client.js';

export const TaskError = defineErrorType('TaskError', taskErrorMeanings, 'Why a background task was not started; nothing was queued or stored.');

export const TaskStatus = builder.enumType('TaskStatus', {
  description: 'Where a background task stands; SUCCESS and FAILURE are final.',
  values: {
    PENDING: { description: 'Queued; no worker has started it yet.' },
    PROGRESS: { description: 'Running: see progressCurrent, progressTotal and percent.' },
    SUCCESS: { description: 'Finished; see result.' },
    FAILURE: { description: 'Failed; see error.' },
  } as const,
});

/** The caller's origin, for links when PUBLIC_URL is not set. */
const originOf = (ctx: Context) => {
  const request = (ctx as Context & { request?: Request }).request;
  try {
    return request?.url ? new URL(request.url).origin : null;
  } catch {
    return null;
  }
};

/** A result's `url` follows PUBLIC_URL, or the origin the caller used. */
function withLinks(result: unknown, ctx: Context): unknown {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return result;
  const value = result as Record<string, unknown>;
  return typeof value.fileId === 'string' && 'url' in value ? { ...value, url: fileUrl(ctx, value.fileId, originOf(ctx)) } : result;
}

export const StoredFileRef = builder.prismaObject('StoredFile', {
  name: 'TaskFile',
  description: 'A file a task produced or received; download it with GET `url` and an `Authorization: Bearer <token>` header, or by its signed `downloadUrl`.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    filename: t.exposeString('filename', { description: 'File name, as a download suggests it.' }),
    contentType: t.exposeString('contentType', { description: 'MIME type (e.g. text/csv).' }),
    size: t.exposeInt('size', { description: 'Bytes.' }),
    url: t.string({ description: 'Absolute download link (from PUBLIC_URL, or the address you called); needs your token.', select: { id: true }, resolve: (file, _a, ctx) => fileUrl(ctx, file.id, originOf(ctx)) }),
    downloadUrl: t.string({
      description: `A plain link that downloads it without a token (for a browser, a mail or curl): signed for this file only, valid ${FILE_LINK_TTL_SECONDS / 60} minutes from when this field was read; read it again for a fresh one. No token ever goes in a URL.`,
      select: { id: true },
      resolve: (file, _a, ctx) => signedFileUrl(ctx, file.id, originOf(ctx)),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was stored.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'Gone after this (the task result expiry); null while the task runs.' }),
  }),
});

export const BackgroundTaskRef = builder.prismaObject('BackgroundTask', {
  description: 'Long work done in the background (export, import, report, aggregation); follow it with taskProgress.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    kind: t.exposeString('kind', { description: 'exportBatches, importBatches, aggregateBatchAsync, generateBatchReport, …' }),
    status: t.expose('status', { type: TaskStatus, description: 'Where it stands.' }),
    progressCurrent: t.exposeInt('progressCurrent', { description: 'Steps done (rows, units, …; the unit depends on the kind).' }),
    progressTotal: t.exposeInt('progressTotal', { nullable: true, description: 'Steps in all; null while unknown.' }),
    percent: t.float({ description: '0 to 100 (one decimal), from progressCurrent / progressTotal; 100 once SUCCESS, 0 while the total is unknown.', select: { status: true, progressCurrent: true, progressTotal: true }, resolve: (task) => taskPercent(task) }),
    result: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the task produced, once SUCCESS (its shape depends on the kind; files come with a download `url`).',
      select: { status: true, result: true },
      resolve: (task, _a, ctx) => (task.status === 'SUCCESS' ? withLinks(task.result, ctx) : null),
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed (FAILURE).' }),
    attempts: t.exposeInt('attempts', { description: 'Runs so far; a task whose worker crashed is retried, at most 3 times.' }),
    createdBy: t.exposeString('createdBy', { description: 'Role and name of the token that started it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When a worker first started it (kept across retries); null while PENDING.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it ended; null until SUCCESS or FAILURE.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'The task, its result and files are deleted after this: TASK_RESULT_TTL_HOURS (default 24) after it finished; null until then.' }),
    files: t.relation('files', { description: 'Files it produced or received, oldest first.', query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
  }),
});

/** Every background mutation answers this at once: the queued task, or why it was not started. */
export const TaskPayload = builder.simpleObject('TaskPayload', {
  description: 'The outcome of a background mutation: the queued task (follow it with taskProgress), or why it was not started.',
  fields: (t) => ({
    task: t.field({ type: BackgroundTaskRef, nullable: true, description: 'The task, PENDING; null when refused.' }),
    errors: t.field({ type: [TaskError] }),
  }),
});

const TaskProgress = builder.objectRef<TaskProgressEvent>('TaskProgress').implement({
  description: 'A task as it changes: its state when subscribed, every progress report, and its end (SUCCESS or FAILURE).',
  fields: (t) => ({
    taskId: t.exposeID('taskId', { description: 'The task.' }),
    kind: t.exposeString('kind', { description: 'As BackgroundTask.kind.' }),
    status: t.field({ type: TaskStatus, description: 'Its status at this moment.', resolve: (e) => e.status }),
    progressCurrent: t.exposeInt('progressCurrent', { description: 'As BackgroundTask.progressCurrent.' }),
    progressTotal: t.exposeInt('progressTotal', { nullable: true, description: 'As BackgroundTask.progressTotal.' }),
    percent: t.exposeFloat('percent', { description: 'As BackgroundTask.percent.' }),
    result: t.field({ type: 'JSON', nullable: true, description: 'The result, on the SUCCESS event only (as BackgroundTask.result).', resolve: (e, _a, ctx) => withLinks(e.result, ctx) }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed, on the FAILURE event.' }),
    attempts: t.exposeInt('attempts', { description: 'As BackgroundTask.attempts; when it grows the task started over and its counters may go back.' }),
    at: t.field({ type: 'DateTime', description: 'When this state was reached.', resolve: (e) => new Date(e.at) }),
    task: t.prismaField({
      type: 'BackgroundTask',
      nullable: true,
      description: 'The task as stored now (null once expired).',
      resolve: (query, e, _a, ctx) => ctx.prisma.backgroundTask.findUnique({ ...query, where: { id: e.taskId } }),
    }),
  }),
});

export const TaskFilter = builder.inputType('TaskFilter', {
  description: 'Which tasks: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    kinds: t.stringList({ required: false, description: 'Of one of these kinds (exportBatches, importBatches, generateBatchReport, exportProducts, …); an empty list matches none.' }),
    statuses: t.field({ type: [TaskStatus], required: false, description: 'In one of these statuses; an empty list matches none.' }),
  }),
});

type TaskFilterInput = { kinds?: string[] | null; statuses?: string[] | null } | null | undefined;

function taskWhere(filter: TaskFilterInput): Prisma.BackgroundTaskWhereInput {
  return {
    ...(filter?.kinds ? { kind: { in: filter.kinds } } : {}),
    ...(filter?.statuses ? { status: { in: filter.statuses as TaskStatusValue[] } } : {}),
  };
}

builder.queryFields((t) => ({
  tasks: t.prismaConnection({
    type: 'BackgroundTask',
    cursor: 'id',
    // Whoever may read a task by its id (task) may find it in the list.
    authScopes: { viewer: true },
    description: 'Background tasks (exports, imports, reports, aggregations) still kept, newest first; at most 100 per page. A task is deleted with its files TASK_RESULT_TTL_HOURS after it finished.',
    args: { filter: t.arg({ type: TaskFilter, required: false, description: 'Default: every task.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.backgroundTask.count({ where: taskWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.backgroundTask.findMany({ ...query, where: taskWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  task: t.prismaField({
    type: 'BackgroundTask',
    nullable: true,
    authScopes: { viewer: true },
    description: 'A background task by id; null when unknown or expired.',
    args: { id: t.arg.id({ description: 'The task id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.backgroundTask.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

builder.subscriptionFields((t) => ({
  taskProgress: t.field({
    type: TaskProgress,
    authScopes: { viewer: true },
    description: 'Progress of one task: first its current state (so a late subscriber misses nothing), then each update, in order; completes after SUCCESS or FAILURE.',
    args: { taskId: t.arg.id({ description: 'The task id (from the mutation that started it).' }) },
    subscribe: (_root, args, ctx) => taskProgressFrom(ctx, String(args.taskId)),
    resolve: (event) => event,
  }),
}));

/**
 * The live stream is opened before the stored state is read; live events not newer than that state
 * are dropped, so nothing is missed or repeated, and the stream ends with the final status.
 */
function taskProgressFrom(ctx: Context, taskId: string) {
  const live = ctx.events.taskProgress(taskId);
  return closingSource(live, taskProgressAfterSnapshot(ctx, live, taskId));
}

async function* taskProgressAfterSnapshot(ctx: Context, live: ReturnType<Context['events']['taskProgress']>, taskId: string): AsyncGenerator<TaskProgressEvent> {
  if (!isUuid(taskId)) return;
  const firstLive = live.next(); // subscribes now; events published meanwhile are buffered
  try {
    const task = await findTask(ctx, taskId);
    if (!task) return;
    const snapshot = taskEvent(task);
    yield snapshot;
    if (FINAL_TASK_STATUSES.has(snapshot.status)) return;
    // Events buffered while the snapshot was read may be older than it: an event is news when it is
    // further along (attempt, then status, then counter), or as far along with a new total.
    const rank = (e: TaskProgressEvent) => [e.attempts, e.status === 'PENDING' ? 0 : FINAL_TASK_STATUSES.has(e.status) ? 2 : 1, e.progressCurrent];
    let last = snapshot;
    const newer = (e: TaskProgressEvent) => {
      const [r, l] = [rank(e), rank(last)];
      for (let i = 0; i < r.length; i++) if (r[i] !== l[i]) return r[i]! > l[i]!;
      return e.progressTotal !== last.progressTotal;
    };
    const first = await firstLive;
    if (first.done) return;
    for (let next: IteratorResult<TaskProgressEvent> = first; !next.done; next = await live.next()) {
      const event = next.value;
      // A retried task starts over (attempts grows), so its counters may go back: that is news too.
      if (!newer(event)) continue;
      last = event;
      yield event;
      if (FINAL_TASK_STATUSES.has(event.status)) return;
    }
  } finally {
    await live.return?.();
  }
}
