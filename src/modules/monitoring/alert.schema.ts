import type { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { isUuid } from '../../core/ids.js';
import { MarketplaceAccount } from '../accounts/account.schema.js';
import { ALERT_SEVERITY } from './alerts.service.js';
import { closingSource } from '../../events/closing-stream.js';

export const AlertKind = builder.enumType('AlertKind', {
  description: 'The condition an alert reports, with its severity in brackets. Thresholds are server settings (environment variables).',
  values: {
    REPEATED_FAILURES: {
      description: `The account's last ALERT_FAILURES_IN_A_ROW finished syncs all failed: FAILED, or PARTIAL without a single page read (an outage) (${ALERT_SEVERITY.REPEATED_FAILURES}).`,
    },
    ERROR_RATE: {
      description: `In the last hour, at least ALERT_ERROR_RATE_MIN_RUNS syncs of the account finished and ALERT_ERROR_RATE_PERCENT or more of them FAILED or were PARTIAL (${ALERT_SEVERITY.ERROR_RATE}).`,
    },
    STALE_DATA: {
      description: `The account is enabled and its last successful sync is older than STALE_AFTER_MINUTES, or it never had one in that long since it was added (${ALERT_SEVERITY.STALE_DATA}).`,
    },
    AUTH_FAILURE: { description: `The account's latest finished sync stopped because the marketplace refused its credentials (${ALERT_SEVERITY.AUTH_FAILURE}).` },
    WEBHOOK_DISABLED: {
      description: `A webhook was disabled because its endpoint failed for the whole health window or answered 410 Gone; no account (${ALERT_SEVERITY.WEBHOOK_DISABLED}). Resolved when the webhook is enabled again.`,
    },
    OVERSELL: {
      description: `Open orders reserve more units of a product than the pool has on hand; the alert names the product and the orders; no account (${ALERT_SEVERITY.OVERSELL}). Resolved when on hand covers the reservations again.`,
    },
  } as const,
});

export const AlertSeverity = builder.enumType('AlertSeverity', {
  description: 'How bad an alert is; fixed by its kind.',
  values: {
    WARNING: { description: 'The account syncs, but badly or late.' },
    CRITICAL: { description: 'The account cannot sync at all.' },
  } as const,
});

export const Alert = builder.prismaObject('Alert', {
  description:
    'A monitoring alert: raised once when its condition starts to hold for an account, resolved when it stops; the same condition later is a new alert. Cancelled runs count for no condition; disabled accounts raise none (their active alerts resolve).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id (a UUID).' }),
    kind: t.expose('kind', { type: AlertKind, description: 'The condition it reports.' }),
    severity: t.expose('severity', { type: AlertSeverity, description: 'How bad it is.' }),
    account: t.relation('account', { type: MarketplaceAccount, nullable: true, description: 'The account it concerns (every kind today is about one account).' }),
    message: t.exposeString('message', { description: 'What holds, in English, with the figures (e.g. "3 of the 4 syncs of … in the last hour failed").' }),
    details: t.expose('details', { type: 'JSON', nullable: true, description: 'The figures behind the alert (runs, percent, last error…), by kind.' }),
    active: t.boolean({ description: 'Whether its condition still holds (resolvedAt is null).', select: { resolvedAt: true }, resolve: (a) => a.resolvedAt === null }),
    raisedAt: t.expose('raisedAt', { type: 'DateTime', description: 'When the condition was first found to hold.' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'When an evaluation last found the condition still holding.' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true, description: 'When the condition was found to hold no longer (or the account was disabled); null while active.' }),
  }),
});

const NO_ROW = '00000000-0000-0000-0000-000000000000';

function alertWhere(args: { active?: boolean | null; accountId?: string | number | null; kind?: string | null }): Prisma.AlertWhereInput {
  const where: Prisma.AlertWhereInput = {};
  if (args.active != null) where.resolvedAt = args.active ? null : { not: null };
  if (args.accountId != null) where.accountId = isUuid(String(args.accountId)) ? String(args.accountId) : NO_ROW;
  if (args.kind) where.kind = args.kind as never;
  return where;
}

builder.queryFields((t) => ({
  alerts: t.prismaConnection({
    type: 'Alert',
    cursor: 'id',
    authScopes: { viewer: true },
    description: 'Alerts, newest first; at most 100 per page. `active: true` only those still active, `false` only resolved ones, omitted both.',
    args: {
      active: t.arg.boolean({ required: false, description: 'true: only active alerts; false: only resolved ones; left out: both.' }),
      accountId: t.arg.id({ required: false, description: 'Only alerts of this account.' }),
      kind: t.arg({ type: AlertKind, required: false, description: 'Only alerts of this kind.' }),
    },
    totalCount: (_c, args, ctx) => ctx.prisma.alert.count({ where: alertWhere(args) }),
    resolve: (query, _root, args, ctx) => ctx.prisma.alert.findMany({ ...query, where: alertWhere(args), orderBy: [{ raisedAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

builder.subscriptionFields((t) => ({
  alertRaised: t.field({
    type: Alert,
    authScopes: { viewer: true },
    description:
      'Each alert as it is raised (on any instance, with REDIS_URL), optionally of one account or kind. Resolutions are not streamed: query alerts(active: false) or watch resolvedAt. The same raise is the domain event alert.raised, which webhooks carry.',
    args: {
      accountId: t.arg.id({ required: false, description: 'Only alerts of this account; default all.' }),
      kind: t.arg({ type: AlertKind, required: false, description: 'Only alerts of this kind; default all.' }),
    },
    subscribe: (_root, args, ctx) => {
      const events = ctx.events.subscribe(['alert.raised']);
      return closingSource(events, raisedAlerts(events, args.accountId == null ? null : String(args.accountId), args.kind ?? null));
    },
    // The alert as stored now (it may already be resolved: `active` tells).
    resolve: (alertId, _args, ctx) => ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } }),
  }),
}));

async function* raisedAlerts(events: AsyncIterable<{ payload: Record<string, unknown> }>, accountId: string | null, kind: string | null): AsyncGenerator<string> {
  for await (const event of events) {
    const p = event.payload;
    if ((accountId === null || p.accountId === accountId) && (kind === null || p.kind === kind) && typeof p.alertId === 'string') yield p.alertId;
  }
}
