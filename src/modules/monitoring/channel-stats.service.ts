import type { Channel, PrismaClient } from '../../generated/prisma/client.js';
import { channels as registeredChannels } from '../../connectors/channels.js';
import type { MoneyAmount } from '../orders/money.js';
import { DEFAULT_STATS_DAYS, orderStatsScope, orderStatsSummary } from '../orders/order-stats.service.js';
import { settingsOf, type MonitoringSettings } from './monitoring.settings.js';

/** The StatsSnapshot row the per-channel figures are kept in. */
export const CHANNEL_STATS_KEY = 'channel-stats';

export interface ChannelStats {
  channel: Channel;
  /** Accounts on the channel, enabled or not. */
  accounts: number;
  /** Listings that are not DELISTED. */
  listings: number;
  /** Listings with status ACTIVE. */
  activeListings: number;
  /** Listings that are not DELISTED and have no stock. */
  outOfStock: number;
  /** Stock of the listings that are not DELISTED, summed. */
  stockUnits: number;
  /** Orders placed in the period, any status. */
  orders: number;
  /** Totals of those orders that are sales (not CANCELLED or RETURNED), per currency. */
  revenue: MoneyAmount[];
}

export interface ChannelStatistics {
  computedAt: Date;
  /** The order period: the 30 days up to `computedAt`. */
  ordersFrom: Date;
  channels: ChannelStats[];
}

/** Stored as JSON: dates as ISO strings. */
interface Stored {
  ordersFrom: string;
  channels: ChannelStats[];
}

interface StatsServices {
  prisma: PrismaClient;
  monitoring?: MonitoringSettings;
}

/**
 * Computes the figures of every channel (all four, zeros included) in three grouped statements:
 * accounts per channel, listings per channel, and the order stats of the last 30 days (the same
 * query and sale rule as `orderStats`). Stores them as the snapshot and returns them.
 */
export async function refreshChannelStatistics(services: StatsServices): Promise<ChannelStatistics> {
  const now = settingsOf(services).now();
  const scope = orderStatsScope({ to: now }, now);
  const [accounts, listings, orders] = await Promise.all([
    services.prisma.marketplaceAccount.groupBy({ by: ['channel'], _count: { _all: true } }),
    services.prisma.$queryRaw<{ channel: Channel; listings: number; active: number; out: number; units: bigint | number | null }[]>`
      SELECT a.channel::text AS channel,
             COUNT(*)::int AS listings,
             (COUNT(*) FILTER (WHERE l.status = 'ACTIVE'))::int AS active,
             (COUNT(*) FILTER (WHERE l.stock <= 0))::int AS out,
             COALESCE(SUM(l.stock), 0)::bigint AS units
      FROM "Listing" l JOIN "MarketplaceAccount" a ON a.id = l."accountId"
      WHERE l.status <> 'DELISTED'
      GROUP BY 1`,
    orderStatsSummary(services, scope),
  ]);
  const channels = registeredChannels.map((channel): ChannelStats => {
    const l = listings.find((r) => r.channel === channel);
    const o = orders.byChannel.find((g) => g.key === channel);
    return {
      channel,
      accounts: accounts.find((a) => a.channel === channel)?._count._all ?? 0,
      listings: Number(l?.listings ?? 0),
      activeListings: Number(l?.active ?? 0),
      outOfStock: Number(l?.out ?? 0),
      stockUnits: Number(l?.units ?? 0),
      orders: o?.count ?? 0,
      revenue: o?.revenue ?? [],
    };
  });
  const data: Stored = { ordersFrom: scope.from.toISOString(), channels };
  await services.prisma.statsSnapshot.upsert({
    where: { key: CHANNEL_STATS_KEY },
    create: { key: CHANNEL_STATS_KEY, data: data as never, computedAt: now },
    update: { data: data as never, computedAt: now },
  });
  return { computedAt: now, ordersFrom: scope.from, channels };
}

/**
 * The per-channel figures as last stored (refreshed by the STATS_REFRESH scheduled task),
 * computed now if there is no snapshot yet or `refresh` is asked for.
 */
export async function channelStatistics(services: StatsServices, options: { refresh?: boolean } = {}): Promise<ChannelStatistics> {
  if (!options.refresh) {
    const stored = await services.prisma.statsSnapshot.findUnique({ where: { key: CHANNEL_STATS_KEY } });
    if (stored) {
      const data = stored.data as unknown as Stored;
      return { computedAt: stored.computedAt, ordersFrom: new Date(data.ordersFrom), channels: data.channels };
    }
  }
  return refreshChannelStatistics(services);
}

export const CHANNEL_STATS_ORDER_DAYS = DEFAULT_STATS_DAYS;
