import { builder, PAGE_SIZE, PAGE_SIZE_RULE } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';
import { defineErrorType, runMutation } from '../../graphql/payload.js';
import { Channel, ConflictStrategy, MarketplaceAccount } from '../accounts/account.schema.js';
import { syncErrorMeanings } from './sync.errors.js';
import { syncRunWhere } from './sync-run.filters.js';
import { cancelSyncRun, triggerSync } from './sync-run.service.js';
import { runMetrics } from './sync-progress.js';
import { syncProgressStream } from './sync-progress.stream.js';

export const SyncScope = builder.enumType('SyncScope', {
  description: 'What a sync reads from the marketplace.',
  values: { PRODUCTS: { description: 'Offers: price, stock, status.' }, ORDERS: { description: 'Orders and their lines.' }, ALL: { description: 'Products, then orders.' } } as const,
});

export const SyncMode = builder.enumType('SyncMode', {
  description: 'How much a sync reads.',
  values: {
    FULL: { description: 'Everything; offers a completed FULL run did not see are marked DELISTED.' },
    INCREMENTAL: {
      description:
        'What changed since the last successful run (minus SYNC_LOOKBACK_SECONDS). Where the marketplace cannot filter by change time (eMAG, Ozon, Wildberries offers) it scans everything and writes only what changed.',
    },
    SELECTIVE: { description: 'The given SKUs only.' },
  } as const,
});

export const SyncStatus = builder.enumType('SyncStatus', {
  description: 'Where a sync run stands. SUCCESS, PARTIAL, FAILED and CANCELLED are final.',
  values: {
    PENDING: { description: 'Queued; a worker picks it up.' },
    RUNNING: { description: 'A worker is executing it.' },
    SUCCESS: { description: 'Finished; every page and record landed.' },
    PARTIAL: { description: 'Finished, but some pages or records failed (see errors); nothing local was deleted.' },
    FAILED: { description: 'Nothing could be synced (e.g. authentication failed).' },
    CANCELLED: { description: 'Cancelled by a user; pages already written stay.' },
    INTERRUPTED: { description: 'Its worker stopped mid-run; the next worker resumes it from its last completed page.' },
  } as const,
});

export const SyncError = defineErrorType('SyncError', syncErrorMeanings, 'Why a sync mutation was refused; nothing was changed.');

export const SyncRun = builder.prismaObject('SyncRun', {
  description: 'One sync of one account.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    account: t.relation('account', { type: MarketplaceAccount, description: 'The marketplace account it syncs.' }),
    scope: t.expose('scope', { type: SyncScope, description: 'What it reads: products, orders, or both.' }),
    mode: t.expose('mode', { type: SyncMode, description: 'How much it reads.' }),
    status: t.expose('status', { type: SyncStatus, description: 'Where it stands.' }),
    phase: t.expose('phase', { type: SyncScope, nullable: true, description: 'PRODUCTS or ORDERS while running.' }),
    skus: t.exposeStringList('skus', { description: 'SELECTIVE: the SKUs asked for.' }),
    maxPages: t.exposeInt('maxPages', { nullable: true, description: 'The page limit it was started with; null for none.' }),
    conflictStrategy: t.expose('conflictStrategy', { type: ConflictStrategy, description: 'How it settles a field changed both here and on the marketplace.' }),
    created: t.exposeInt('created', { description: 'Records (offers or orders) new to Stockline that it stored.' }),
    updated: t.exposeInt('updated', { description: 'Stored records it changed.' }),
    unchanged: t.exposeInt('unchanged', { description: 'Records it read that were already up to date.' }),
    failed: t.exposeInt('failed', { description: 'Records that could not be written (see errors).' }),
    delisted: t.exposeInt('delisted', { description: 'Local offers a completed FULL run did not see, now DELISTED.' }),
    conflicts: t.exposeInt('conflicts', {
      description:
        "Values (price, stock, order status) edited in Stockline and not yet confirmed by the marketplace that this run found changed on the marketplace too: editsOverridden + editsKept + editsQueued. An edit whose remote value did not change, or changed to the edited value, is not counted.",
    }),
    editsOverridden: t.exposeInt('editsOverridden', { description: "Of conflicts: edits the marketplace's value replaced (REMOTE_PRIORITY, or NEWEST_WINS with the later remote change); each is in the change history with source CONFLICT_RESOLUTION." }),
    editsKept: t.exposeInt('editsKept', { description: 'Of conflicts: edits that stood against the changed remote value (LOCAL_PRIORITY, NEWEST_WINS with the later edit, or an order status against an older remote value); a price or stock is pushed again.' }),
    editsQueued: t.exposeInt('editsQueued', { description: 'Of conflicts: edits left to a person as an open SyncConflict (MANUAL); see syncConflicts.' }),
    pagesDone: t.exposeInt('pagesDone', { description: 'Marketplace pages read and written so far, all phases together (products, then orders).' }),
    pagesTotal: t.exposeInt('pagesTotal', {
      nullable: true,
      description:
        "Pages in all, never below pagesDone: the sum of the phases' totals. A phase already done counts the pages it read; the current phase counts what the marketplace reported, raised to one more than read while more pages come (its estimate was low, e.g. offers drifted in); a later phase adds its own once it starts. Null from the start of a phase until its first page. Equals pagesDone once the run has completed every phase.",
    }),
    itemsDone: t.exposeInt('itemsDone', { description: 'Records (offers, then orders) read so far, all phases together.' }),
    itemsTotal: t.exposeInt('itemsTotal', {
      nullable: true,
      description:
        "Records in all, never below itemsDone: the sum of the phases' totals, as for pagesTotal. The current phase counts the marketplace's own count (SELECTIVE: the SKUs asked), raised to what was read when that count turned out low; null while the current phase's marketplace gives no count (e.g. Wildberries offers, most order listings) until that phase ends. Equals itemsDone once the run has completed every phase (a SKU asked but not found is not counted).",
    }),
    percent: t.exposeFloat('percent', {
      description:
        "0 to 100: each phase weighs the same, and within a phase it is the phase's pages done over its pages total. Below 100 until the run ends (it can step back when a low estimate is raised); 100 once SUCCESS or PARTIAL.",
    }),
    etaSeconds: t.float({ nullable: true, description: 'Estimated seconds left, from percent and active time (one decimal); 0 once finished; null until the first page.', select: { status: true, percent: true, itemsDone: true, activeMs: true, startedAt: true, finishedAt: true }, resolve: (r) => runMetrics(r).etaSeconds }),
    itemsPerSecond: t.float({ description: 'Records read per second of active time (one decimal); 0 before any.', select: { status: true, percent: true, itemsDone: true, activeMs: true, startedAt: true, finishedAt: true }, resolve: (r) => runMetrics(r).itemsPerSecond }),
    durationMs: t.int({ nullable: true, description: 'From start to finish (or to now while running).', select: { status: true, percent: true, itemsDone: true, activeMs: true, startedAt: true, finishedAt: true }, resolve: (r) => runMetrics(r).durationMs }),
    activeMs: t.exposeInt('activeMs', { description: 'Time actually spent working, excluding interruptions.' }),
    resumedCount: t.exposeInt('resumedCount', { description: 'How often it resumed after an interruption.' }),
    retries: t.exposeInt('retries', { description: "How often it was resumed after an attempt timed out, within its account's syncRetries." }),
    triggeredBy: t.exposeString('triggeredBy', { description: 'Token name, or "scheduler".' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed or ended PARTIAL.' }),
    since: t.expose('since', { type: 'DateTime', nullable: true, description: 'INCREMENTAL: offers changed since then were asked for.' }),
    watermark: t.expose('watermark', { type: 'DateTime', nullable: true, description: 'Newest remote change seen; where the next INCREMENTAL run starts.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was queued.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When a worker first started it; null while PENDING.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it reached a final status; null until then.' }),
    errors: t.relation('logs', {
      description: 'Per-record and per-page errors of this run (at most 100), oldest first.',
      args: { first: t.arg.int({ required: false, defaultValue: PAGE_SIZE.default, description: `How many: default ${PAGE_SIZE.default}, ${PAGE_SIZE_RULE}; less than 1 counts as 1.` }) },
      query: (args) => ({ where: { level: 'ERROR' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: Math.min(PAGE_SIZE.max, Math.max(1, args.first ?? PAGE_SIZE.default)) }),
    }),
  }),
});

export const SyncRunFilter = builder.inputType('SyncRunFilter', {
  description: 'Which runs: every given condition must hold; fields left out do not filter.',
  fields: (t) => ({
    accountId: t.id({ required: false, description: 'Only runs of this account.' }),
    channel: t.field({ type: Channel, required: false, description: 'Only runs of accounts on this marketplace.' }),
    status: t.field({ type: [SyncStatus], required: false, description: 'Only runs in one of these statuses; empty or left out: any.' }),
    mode: t.field({ type: SyncMode, required: false, description: 'Only runs of this mode.' }),
    scope: t.field({ type: SyncScope, required: false, description: 'Only runs of this scope.' }),
  }),
});

builder.queryFields((t) => ({
  syncRuns: t.prismaConnection({
    type: 'SyncRun',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Sync runs, newest first; at most 100 per page.',
    args: { filter: t.arg({ type: SyncRunFilter, required: false, description: 'Default: every run.' }) },
    totalCount: (_c, args, ctx) => ctx.prisma.syncRun.count({ where: syncRunWhere(args.filter) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.syncRun.findMany({ ...query, where: syncRunWhere(args.filter), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  syncRun: t.prismaField({
    type: 'SyncRun',
    nullable: true,
    authScopes: { viewer: true },
    description: 'One sync run by id; null when there is none.',
    args: { id: t.arg.id({ description: 'The run id.' }) },
    resolve: (query, _root, { id }, ctx) => (isUuid(String(id)) ? ctx.prisma.syncRun.findUnique({ ...query, where: { id: String(id) } }) : null),
  }),
}));

const TriggerSyncInput = builder.inputType('TriggerSyncInput', {
  description: 'Which accounts to sync: the given ids and every enabled account of the given channels; neither means every enabled account.',
  fields: (t) => ({
    accountIds: t.idList({ required: false, description: 'Accounts to sync, at most 100; each must exist (NOT_FOUND) and be enabled (ACCOUNT_DISABLED).' }),
    channels: t.field({ type: [Channel], required: false, description: 'Sync every enabled account of these channels too.' }),
    scope: t.field({ type: SyncScope, required: false, description: 'Default ALL.' }),
    mode: t.field({ type: SyncMode, required: false, description: 'Default INCREMENTAL.' }),
    skus: t.stringList({ required: false, description: 'SELECTIVE only, and required there: 1 to 10000 SKUs, each at most 255 characters. SELECTIVE needs scope PRODUCTS or ALL.' }),
    maxPages: t.int({ required: false, description: 'Stop after this many pages, 1 to 1000000 (the run is then not complete: nothing is delisted). Default: no limit.' }),
    conflictStrategy: t.field({ type: ConflictStrategy, required: false, description: "Default: the account's strategy." }),
  }),
});

const TriggerSyncPayload = builder.simpleObject('TriggerSyncPayload', {
  description: 'The outcome of triggerSync: the runs queued, or why none were.',
  fields: (t) => ({
    runs: t.field({ type: [SyncRun], description: 'One per account. An account with a sync already queued or running gets that run back, not a second one.' }),
    errors: t.field({ type: [SyncError] }),
  }),
});

const SyncRunPayload = builder.simpleObject('SyncRunPayload', {
  description: 'The outcome of a run mutation: the run, or why it was refused.',
  fields: (t) => ({ run: t.field({ type: SyncRun, nullable: true, description: 'The run after the change; null when refused.' }), errors: t.field({ type: [SyncError] }) }),
});

const RunIdInput = builder.inputType('SyncRunIdInput', { description: 'Which run.', fields: (t) => ({ id: t.id({ description: 'The run id.' }) }) });

builder.mutationFields((t) => ({
  triggerSync: t.field({
    type: TriggerSyncPayload,
    authScopes: { operator: true },
    description: 'Queues syncs and returns at once; follow them with syncProgress / syncRunUpdated.',
    args: { input: t.arg({ type: TriggerSyncInput, description: 'Which accounts, and how.' }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await runMutation('runs', () => triggerSync(ctx, ctx.actor!, { ...input, accountIds: input.accountIds?.map(String) }));
      return { runs: result.runs ?? [], errors: result.errors };
    },
  }),
  cancelSyncRun: t.field({
    type: SyncRunPayload,
    authScopes: { operator: true },
    description: 'A queued or interrupted run is cancelled at once; a running one at its next page. Pages already written stay.',
    args: { input: t.arg({ type: RunIdInput, description: 'The run to cancel; RUN_FINISHED when it already ended.' }) },
    resolve: (_root, { input }, ctx) => runMutation('run', () => cancelSyncRun(ctx, ctx.actor!, { id: String(input.id) })),
  }),
}));

const SyncProgress = builder.simpleObject('SyncProgress', {
  description: 'A live snapshot of a run, published after every page and once more with the final status.',
  fields: (t) => ({
    runId: t.id({ description: 'The run.' }),
    accountId: t.id({ description: 'Its account.' }),
    status: t.field({ type: SyncStatus, description: 'Its status at this moment.' }),
    phase: t.field({ type: SyncScope, nullable: true, description: 'PRODUCTS or ORDERS while running; null otherwise.' }),
    pagesDone: t.int({ description: 'As SyncRun.pagesDone.' }),
    pagesTotal: t.int({ nullable: true, description: 'As SyncRun.pagesTotal: never below pagesDone.' }),
    itemsDone: t.int({ description: 'As SyncRun.itemsDone.' }),
    itemsTotal: t.int({ nullable: true, description: 'As SyncRun.itemsTotal: never below itemsDone.' }),
    created: t.int({ description: 'Records created so far.' }),
    updated: t.int({ description: 'Records changed so far.' }),
    unchanged: t.int({ description: 'Records already up to date so far.' }),
    failed: t.int({ description: 'Records that could not be written so far.' }),
    percent: t.float({ description: 'As SyncRun.percent.' }),
    etaSeconds: t.float({ nullable: true, description: 'As SyncRun.etaSeconds.' }),
    itemsPerSecond: t.float({ description: 'As SyncRun.itemsPerSecond.' }),
    at: t.field({ type: 'DateTime', description: 'When this snapshot was taken.' }),
  }),
});

builder.subscriptionFields((t) => ({
  syncProgress: t.field({
    type: SyncProgress,
    authScopes: { viewer: true },
    description:
      'Progress of one run, or of every run of one account, or of all runs; in order, ending with the final status. Given a runId, the first event is the run as it stands, so a late subscriber misses nothing (a finished run gives its final state).',
    args: {
      runId: t.arg.id({ required: false, description: 'Only this run.' }),
      accountId: t.arg.id({ required: false, description: 'Only runs of this account (when runId is not given).' }),
    },
    subscribe: (_root, args, ctx) => syncProgressStream(ctx, { runId: args.runId ? String(args.runId) : undefined, accountId: args.accountId ? String(args.accountId) : undefined }),
    resolve: (event) => ({ ...event, status: event.status as never, phase: event.phase as never, at: new Date(event.at) }),
  }),
  syncRunUpdated: t.field({
    type: SyncRun,
    authScopes: { viewer: true },
    description: 'A run as it is queued, starts, is interrupted or finishes; optionally of one account.',
    args: { accountId: t.arg.id({ required: false, description: 'Only runs of this account; default all.' }) },
    subscribe: (_root, args, ctx) => ctx.events.syncRuns({ accountId: args.accountId ? String(args.accountId) : undefined }),
    // The run as stored now, but with the status it changed to, so a subscriber sees every transition in order.
    resolve: async (change, _args, ctx) => ({ ...(await ctx.prisma.syncRun.findUniqueOrThrow({ where: { id: change.runId } })), status: change.status as never }),
  }),
}));
