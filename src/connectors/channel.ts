/**
 * What the app needs to know about a channel besides its connector: how an account of it signs in,
 * where its API is by default, and which environment variables declare accounts of it. Each
 * `connectors/<vendor>/channel.ts` defines one; `channels.ts` assembles them.
 */
import { z } from 'zod';
import type { Env } from '../env.js';
import type { Channel, Connector, ConnectorAccount, ConnectorContext, Fulfillment } from './connector.js';

/** A credential field: a non-empty string, with messages naming the field. */
export const secret = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} must not be empty`).max(2000);

/** Options every channel's connector reads (each channel's `options` schema spreads the ones it uses). */
export const optionFields = {
  pageSize: z.number({ error: 'pageSize must be a number' }).int('pageSize must be a whole number').min(1, 'pageSize must be at least 1').max(1000, 'pageSize is at most 1000').optional(),
  defaultWarehouseId: z.string({ error: 'defaultWarehouseId must be a string' }).trim().min(1, 'defaultWarehouseId must not be empty').max(100).optional(),
};

/**
 * What each credential and option field means, served with the channel's fields (a schema's own
 * `.describe()` wins). Dotted names are nested options. Every field of every channel must have one
 * (tests/accounts/channel-fields.test.ts).
 */
export const fieldDescriptions: Record<string, string> = {
  username: 'API user name (eMAG: the Marketplace API user, not the seller portal login).',
  password: 'Password of that API user.',
  clientId: 'Client-Id of the seller (digits), from the seller portal API keys page.',
  apiKey: 'API key generated for that Client-Id.',
  token: 'API token (Wildberries: a seller-portal token with the categories Stockline uses; storefront: its bearer token).',
  pageSize: "Items per listing request; default: the marketplace's largest page that keeps requests cheap.",
  defaultWarehouseId: 'Warehouse a stock push uses for items that name none; default: the only one the seller has.',
  currency: 'Currency of product prices when the storefront API omits it (ISO 4217); default RON.',
  timeZone: 'IANA time zone of the platform dates; default by host (.ro Europe/Bucharest, .bg Europe/Sofia, .hu Europe/Budapest).',
  acknowledgeOrders: 'Acknowledge each new order after reading it (an order-handling system must; a reporting one must not); default false.',
  'hosts.content': 'Base URL of the content (cards) API; default the public host, or the account base URL for a simulator.',
  'hosts.prices': 'Base URL of the prices and discounts API; default the public host, or the account base URL for a simulator.',
  'hosts.marketplace': 'Base URL of the marketplace (orders, stocks) API; default the public host, or the account base URL for a simulator.',
  'hosts.statistics': 'Base URL of the statistics API (FBW orders and stocks); default the public host, or the account base URL for a simulator.',
};

/** An http(s) base URL option, trailing slashes dropped. */
export const urlOption = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .pipe(z.url({ protocol: /^https?$/, error: `${field} must be an http(s) URL` }))
    .transform((u) => u.replace(/\/+$/, ''))
    .optional();

/** An account the environment may declare (upserted by name at start). */
export interface DeclaredAccountSpec {
  name: string;
  fulfillment?: Fulfillment;
  /** The environment variable of each credential field (a name env.ts's schema knows: a typo does not compile). */
  credentials: Record<string, keyof Env>;
  /** The variable giving the API's base URL; required when the channel has no default host. */
  baseUrlEnv: keyof Env;
  /**
   * The environment variable of each option it may set (dotted for nested ones, e.g.
   * `hosts.content`); env.ts parses each to the option's type, the channel's `options` schema checks it.
   */
  options?: Record<string, keyof Env>;
}

/** How a sync settles a value changed both in Stockline and on the marketplace (the API's ConflictStrategy). */
export const conflictStrategies = ['REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL'] as const;
export type ConflictStrategyName = (typeof conflictStrategies)[number];

export interface ChannelDefinition<C extends Channel = Channel> {
  channel: C;
  /** One line, served as the description of the API's Channel value. */
  description: string;
  /** What an account signs in with; nothing else is accepted. */
  credentials: z.ZodObject<Record<string, z.ZodType<string>>, z.core.$strict>;
  /**
   * The non-secret per-account options this channel's connector reads (a subset of
   * ConnectorOptions, each with a message naming it); nothing else is accepted.
   */
  options: z.ZodObject<z.ZodRawShape, z.core.$strict>;
  /** The API everyone uses, or null when each seller has their own (then a base URL is required). */
  defaultBaseUrl: string | null;
  /**
   * The strategy an account of this channel starts with when none is given (createAccount, and
   * accounts the environment or the sandbox declare), and why; served with the channel.
   */
  defaultConflictStrategy: { strategy: ConflictStrategyName; reason: string };
  /** Accounts the environment may declare, in the order they are upserted. */
  declared: readonly DeclaredAccountSpec[];
  connect(account: ConnectorAccount, context: ConnectorContext): Connector;
}
