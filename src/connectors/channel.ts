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
}

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
  /** Accounts the environment may declare, in the order they are upserted. */
  declared: readonly DeclaredAccountSpec[];
  connect(account: ConnectorAccount, context: ConnectorContext): Connector;
}
