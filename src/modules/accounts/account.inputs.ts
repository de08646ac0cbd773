import { z } from 'zod';
import { conflictStrategies } from '../../connectors/channel.js';
import { channelRegistry, channels } from '../../connectors/channels.js';
import type { Channel } from '../../connectors/connector.js';
import { PROTOTYPE_KEYS } from '../../shared/prototype-keys.js';

// The rules every caller (GraphQL, environment, sandbox) gets, whatever its own input layer checks.

/** "EMAG, OZON, WILDBERRIES or STOREFRONT" */
const channelNames = `${channels.slice(0, -1).join(', ')} or ${channels.at(-1)}`;

const id = z.uuid('must be a valid id');
const name = z.string().trim().min(1, 'name must not be empty').max(200, 'name is at most 200 characters');
const fulfillment = z.enum(['MAIN', 'FBE'], { error: 'fulfillment must be MAIN or FBE' });
const baseUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' }))
  .transform((u) => u.replace(/\/+$/, ''));

/** The path to the first prototype key anywhere in a JSON value, or null (no recursion: any depth is safe); zod would silently drop `__proto__`. */
function prototypeKeyPath(root: unknown): string[] | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    for (const key of Object.keys(next.value)) {
      if (PROTOTYPE_KEYS.has(key)) return [...next.path, key];
      stack.push({ value: (next.value as Record<string, unknown>)[key], path: [...next.path, key] });
    }
  }
  return null;
}

/** A JSON input that is stored as JSON: refused, with a typed error, when it carries a prototype key. */
const storedJson = <T extends z.ZodType>(schema: T) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      const path = prototypeKeyPath(value);
      if (path) ctx.addIssue({ code: 'custom', message: `"${path.at(-1)}" is not allowed as a key`, path, abort: true });
    })
    .pipe(schema);

const rateLimits = storedJson(
  z.record(
    z.string().min(1),
    z.strictObject({ limit: z.number().int().positive('limit must be positive'), periodMs: z.number().int().positive('periodMs must be positive') }),
    { error: 'rateLimits must map an endpoint class to { limit, periodMs }' },
  ),
);
/** Options as they come in: a JSON object without prototype keys; checked per channel later (null values remove an option on update). */
const rawOptions = storedJson(z.record(z.string(), z.unknown(), { error: 'options must be an object of option values' }));
const conflictStrategy = z.enum(conflictStrategies);
/** Longest attempt of a sync run: up to a day (a FULL sync of a large catalog at eMAG's 3 req/s takes hours). */
export const MAX_SYNC_TIMEOUT_SECONDS = 86_400;
export const MAX_SYNC_RETRIES = 10;
const syncTimeoutSeconds = z
  .int('syncTimeoutSeconds must be a whole number of seconds')
  .min(1, 'syncTimeoutSeconds must be at least 1')
  .max(MAX_SYNC_TIMEOUT_SECONDS, `syncTimeoutSeconds must be at most ${MAX_SYNC_TIMEOUT_SECONDS} (a day)`);
const syncRetries = z.int('syncRetries must be a whole number').min(0, 'syncRetries must be at least 0').max(MAX_SYNC_RETRIES, `syncRetries must be at most ${MAX_SYNC_RETRIES}`);
/** Credentials as they come in (GraphQL gives absent fields as null): checked per channel later. */
const rawCredentials = z.record(z.string(), z.string().nullish());

const withoutNulls = (o: Record<string, string | null | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as Record<string, string>;

/** Adds the issues of `credentials` for `channel`, under `path`; returns them parsed when valid. */
export function checkCredentials(channel: Channel, raw: Record<string, string | null | undefined>, ctx: z.RefinementCtx, path: string[] = ['credentials']) {
  const result = channelRegistry[channel].credentials.safeParse(withoutNulls(raw));
  if (result.success) return result.data as Record<string, string>;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path.map(String)] });
  return null;
}

/** Adds the issues of `options` for `channel`, under `path` (nulls dropped); returns them parsed when valid. */
export function checkOptions(channel: Channel, raw: Record<string, unknown>, ctx: z.RefinementCtx, path: string[] = ['options']) {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v != null));
  const result = channelRegistry[channel].options.safeParse(given);
  if (result.success) return result.data as Record<string, unknown>;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path.map(String)] });
  return null;
}

/**
 * An update's options over the stored ones: each given option replaces that option (a nested one
 * such as `hosts` as a whole), null removes it, options not given stay.
 */
export const mergeOptions = (stored: unknown, patch: Record<string, unknown>) => ({
  ...(stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {}),
  ...patch,
});

export function checkFulfillment(channel: Channel, value: 'MAIN' | 'FBE' | null | undefined, ctx: z.RefinementCtx, required: boolean) {
  if (channel === 'EMAG' && required && !value) {
    ctx.addIssue({ code: 'custom', message: 'fulfillment (MAIN or FBE) is required for an eMAG account', path: ['fulfillment'] });
  }
  if (channel !== 'EMAG' && value) {
    ctx.addIssue({ code: 'custom', message: 'fulfillment applies only to eMAG accounts', path: ['fulfillment'] });
  }
}

export const accountCreate = z
  .object({
    channel: z.enum(channels, { error: `channel must be ${channelNames}` }),
    name,
    fulfillment: fulfillment.nullish(),
    baseUrl,
    credentials: rawCredentials,
    rateLimits: rateLimits.nullish(),
    options: rawOptions.nullish(),
    conflictStrategy: conflictStrategy.nullish(),
    enabled: z.boolean().nullish(),
    syncTimeoutSeconds: syncTimeoutSeconds.nullish(),
    syncRetries: syncRetries.nullish(),
  })
  .transform((v, ctx) => {
    checkFulfillment(v.channel, v.fulfillment, ctx, true);
    const credentials = checkCredentials(v.channel, v.credentials, ctx);
    const options = checkOptions(v.channel, v.options ?? {}, ctx);
    return { ...v, fulfillment: v.fulfillment ?? null, credentials: credentials ?? {}, options: options ?? {} };
  });

/** Fields left out (or null) keep their value; credentials are replaced only when given; options merge (see mergeOptions). */
export const accountUpdate = z.object({
  id,
  name: name.nullish(),
  fulfillment: fulfillment.nullish(),
  baseUrl: baseUrl.nullish(),
  credentials: rawCredentials.nullish(),
  rateLimits: rateLimits.nullish(),
  options: rawOptions.nullish(),
  conflictStrategy: conflictStrategy.nullish(),
  enabled: z.boolean().nullish(),
  syncTimeoutSeconds: syncTimeoutSeconds.nullish(),
  syncRetries: syncRetries.nullish(),
});

/** What an update is checked against once the account is known; gives the new credentials and options, if any (null: unchanged). */
export const updateChecks = (channel: Channel, storedOptions: unknown) =>
  z.object({ fulfillment: fulfillment.nullish(), credentials: rawCredentials.nullish(), options: z.record(z.string(), z.unknown()).nullish() }).transform((v, ctx) => {
    checkFulfillment(channel, v.fulfillment, ctx, false);
    return {
      credentials: v.credentials ? checkCredentials(channel, v.credentials, ctx) : null,
      options: v.options ? checkOptions(channel, mergeOptions(storedOptions, v.options), ctx) : null,
    };
  });

export const byId = z.object({ id });

export type AccountCreate = z.infer<typeof accountCreate>;
export type AccountUpdate = z.infer<typeof accountUpdate>;
