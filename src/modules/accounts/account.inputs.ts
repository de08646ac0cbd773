import { z } from 'zod';
import { PROTOTYPE_KEYS } from '../../shared/prototype-keys.js';

// The rules every caller (GraphQL, environment, sandbox) gets, whatever its own input layer checks.

export const channels = ['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT'] as const;
export type AccountChannel = (typeof channels)[number];

const secret = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} must not be empty`).max(2000);

/** What each channel needs to sign in; nothing else is accepted. */
export const credentialsByChannel = {
  EMAG: z.strictObject({ username: secret('username'), password: secret('password') }),
  OZON: z.strictObject({
    clientId: z.string({ error: 'clientId is required' }).trim().regex(/^\d+$/, 'clientId must be digits (the Client-Id of the Ozon seller)'),
    apiKey: secret('apiKey'),
  }),
  WILDBERRIES: z.strictObject({ token: secret('token') }),
  STOREFRONT: z.strictObject({ token: secret('token') }),
} satisfies Record<AccountChannel, z.ZodType<Record<string, string>>>;

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
const conflictStrategy = z.enum(['REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL']);
/** Credentials as they come in (GraphQL gives absent fields as null): checked per channel later. */
const rawCredentials = z.record(z.string(), z.string().nullish());

const withoutNulls = (o: Record<string, string | null | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as Record<string, string>;

/** Adds the issues of `credentials` for `channel`, under `path`; returns them parsed when valid. */
export function checkCredentials(channel: AccountChannel, raw: Record<string, string | null | undefined>, ctx: z.RefinementCtx, path: string[] = ['credentials']) {
  const result = credentialsByChannel[channel].safeParse(withoutNulls(raw));
  if (result.success) return result.data as Record<string, string>;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path.map(String)] });
  return null;
}

export function checkFulfillment(channel: AccountChannel, value: 'MAIN' | 'FBE' | null | undefined, ctx: z.RefinementCtx, required: boolean) {
  if (channel === 'EMAG' && required && !value) {
    ctx.addIssue({ code: 'custom', message: 'fulfillment (MAIN or FBE) is required for an eMAG account', path: ['fulfillment'] });
  }
  if (channel !== 'EMAG' && value) {
    ctx.addIssue({ code: 'custom', message: 'fulfillment applies only to eMAG accounts', path: ['fulfillment'] });
  }
}

export const accountCreate = z
  .object({
    channel: z.enum(channels, { error: 'channel must be EMAG, OZON, WILDBERRIES or STOREFRONT' }),
    name,
    fulfillment: fulfillment.nullish(),
    baseUrl,
    credentials: rawCredentials,
    rateLimits: rateLimits.nullish(),
    conflictStrategy: conflictStrategy.nullish(),
    enabled: z.boolean().nullish(),
  })
  .transform((v, ctx) => {
    checkFulfillment(v.channel, v.fulfillment, ctx, true);
    const credentials = checkCredentials(v.channel, v.credentials, ctx);
    return { ...v, fulfillment: v.fulfillment ?? null, credentials: credentials ?? {} };
  });

/** Fields left out (or null) keep their value; credentials are replaced only when given. */
export const accountUpdate = z.object({
  id,
  name: name.nullish(),
  fulfillment: fulfillment.nullish(),
  baseUrl: baseUrl.nullish(),
  credentials: rawCredentials.nullish(),
  rateLimits: rateLimits.nullish(),
  conflictStrategy: conflictStrategy.nullish(),
  enabled: z.boolean().nullish(),
});

/** What an update is checked against once the account's channel is known; gives the new credentials, if any. */
export const updateChecks = (channel: AccountChannel) =>
  z.object({ fulfillment: fulfillment.nullish(), credentials: rawCredentials.nullish() }).transform((v, ctx) => {
    checkFulfillment(channel, v.fulfillment, ctx, false);
    return v.credentials ? checkCredentials(channel, v.credentials, ctx) : null;
  });

export const byId = z.object({ id });

export type AccountCreate = z.infer<typeof accountCreate>;
export type AccountUpdate = z.infer<typeof accountUpdate>;
