import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { Prisma, type MarketplaceAccount } from '../../generated/prisma/client.js';
import { transact } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { channelRegistry } from '../../connectors/channels.js';
import { type ConnectionCheck, type ConnectionResult, type ConnectorAccount, type ConnectorOptions, type RateLimitOverrides } from '../../connectors/index.js';
import { accountCreate, accountUpdate, byId, mergeOptions, updateChecks } from './account.inputs.js';
import { accountError, accountNotFound, duplicateName } from './account.errors.js';
import { CredentialsDecryptError } from './credentials.crypto.js';
import { connectorFor } from './account-connector.js';
import { checkTarget, TargetRefused } from '../outbound/target-policy.js';
import { DomainError } from '../../core/domain-error.js';
import { reallocateAccount } from '../inventory/inventory.service.js';

export type AccountSource = 'api' | 'env' | 'sandbox';

const jsonOrNull = (v: unknown) => (v == null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

const policy = (services: AppServices) => services.accountTargets ?? { allowPrivate: false };

/** The save-time check of the outbound target policy (connectors check again at connect). */
async function ensureBaseUrl(services: AppServices, baseUrl: string) {
  try {
    await checkTarget(baseUrl, policy(services));
  } catch (error) {
    if (error instanceof TargetRefused) throw accountError('TARGET_REFUSED', `baseUrl refused: ${error.message}`, ['input', 'baseUrl']);
    throw error;
  }
}

/** The strategy an account of `channel` starts with when none is given (declared per channel in its registry). */
const defaultStrategy = (channel: MarketplaceAccount['channel']) => channelRegistry[channel].defaultConflictStrategy.strategy;

export async function createAccount(services: AppServices, actor: Actor, raw: z.input<typeof accountCreate>, source: AccountSource = 'api') {
  const { credentials, rateLimits, options, conflictStrategy, enabled, syncTimeoutSeconds, syncRetries, ...input } = accountCreate.parse(raw);
  await ensureBaseUrl(services, input.baseUrl);
  try {
    return await transact(services, actor.name, async (tx) => {
      if (await tx.marketplaceAccount.findUnique({ where: { name: input.name }, select: { id: true } })) throw duplicateName(input.name);
      return tx.marketplaceAccount.create({
        data: {
          ...input,
          credentialsEncrypted: services.cipher.encrypt(credentials),
          rateLimits: jsonOrNull(rateLimits),
          options: options as Prisma.InputJsonValue,
          conflictStrategy: conflictStrategy ?? defaultStrategy(input.channel),
          enabled: enabled ?? undefined,
          syncTimeoutSeconds: syncTimeoutSeconds ?? undefined,
          syncRetries: syncRetries ?? undefined,
          source,
        },
      });
    });
  } catch (error) {
    throw isUniqueViolation(error) ? duplicateName(input.name) : error;
  }
}

/** Changes the given fields; credentials are replaced only when given, and checked for the account's channel. */
export async function updateAccount(services: AppServices, actor: Actor, raw: z.input<typeof accountUpdate>) {
  const { id, credentials: rawCredentials, rateLimits, options: rawOptions, ...patch } = accountUpdate.parse(raw);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined)) as Prisma.MarketplaceAccountUpdateInput;
  if (patch.baseUrl) await ensureBaseUrl(services, patch.baseUrl);
  try {
    let pushes = 0;
    const updated = await transact(services, actor.name, async (tx, emit) => {
      const current = await tx.marketplaceAccount.findUnique({ where: { id } });
      if (!current) throw accountNotFound(id);
      const { credentials, options } = updateChecks(current.channel, current.options).parse({ fulfillment: patch.fulfillment, credentials: rawCredentials, options: rawOptions });
      if (typeof changes.name === 'string' && changes.name !== current.name) {
        const other = await tx.marketplaceAccount.findUnique({ where: { name: changes.name }, select: { id: true } });
        if (other) throw duplicateName(changes.name);
      }
      const account = await tx.marketplaceAccount.update({
        where: { id },
        data: {
          ...changes,
          ...(credentials ? { credentialsEncrypted: services.cipher.encrypt(credentials) } : {}),
          ...(rateLimits !== undefined ? { rateLimits: jsonOrNull(rateLimits) } : {}),
          ...(options ? { options: options as Prisma.InputJsonValue } : {}),
        },
      });
      // Enabled again (or no longer fulfilled by the marketplace): its listings follow the stock pool
      // again now, not at the next movement; allocation left them out meanwhile.
      if ((account.enabled && !current.enabled) || (account.fulfillment !== current.fulfillment && current.fulfillment === 'FBE')) {
        pushes = await reallocateAccount(tx, emit, id);
      }
      return account;
    });
    if (pushes > 0) services.wake?.('pushes');
    return updated;
  } catch (error) {
    throw isUniqueViolation(error) ? duplicateName(String(changes.name)) : error;
  }
}

export async function requireAccount(services: AppServices, id: string) {
  const account = await services.prisma.marketplaceAccount.findUnique({ where: { id } });
  if (!account) throw accountNotFound(id);
  return account;
}

/** The connector's view of a stored account, credentials decrypted. */
export function toConnectorAccount(services: AppServices, account: MarketplaceAccount): ConnectorAccount {
  let credentials: Record<string, string>;
  try {
    credentials = services.cipher.decrypt(account.credentialsEncrypted);
  } catch (error) {
    if (error instanceof CredentialsDecryptError) throw accountError('CREDENTIALS_UNREADABLE', `Account "${account.name}": ${error.message}`, ['input', 'id']);
    throw error;
  }
  return {
    id: account.id,
    channel: account.channel,
    fulfillment: account.fulfillment ?? undefined,
    baseUrl: account.baseUrl,
    credentials,
    rateLimits: (account.rateLimits ?? undefined) as RateLimitOverrides | undefined,
    // Validated against the channel's schema when stored.
    options: account.options as ConnectorOptions,
  };
}

/**
 * The budget per endpoint class the account's connector paces to, and which of them the account
 * overrides; null when the stored credentials cannot be read (no connector can be built).
 */
export function effectiveRateLimits(services: AppServices, account: MarketplaceAccount) {
  let limits: Record<string, { limit: number; periodMs: number }>;
  try {
    limits = connectorFor(services, account).capabilities.rateLimits;
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
  const overrides = (account.rateLimits ?? {}) as RateLimitOverrides;
  return Object.entries(limits).map(([endpointClass, rule]) => ({ endpointClass, limit: rule.limit, periodMs: rule.periodMs, overridden: overrides[endpointClass] !== undefined }));
}

export interface ConnectionTest {
  ok: boolean;
  kind: Exclude<ConnectionResult, { ok: true }>['kind'] | null;
  message: string | null;
  /** Every host and scope tried; [] when the connector reports none separately. */
  checks: (Pick<ConnectionCheck, 'name' | 'ok'> & { kind: ConnectionCheck['kind'] | null; message: string | null })[];
  account: MarketplaceAccount;
}

/** Signs in to the marketplace once, and records when and whether that worked. */
export async function testAccountConnection(services: AppServices, _actor: Actor, raw: z.input<typeof byId>): Promise<ConnectionTest> {
  const { id } = byId.parse(raw);
  const stored = await requireAccount(services, id);
  const connector = connectorFor(services, stored, { retries: 1, retryBaseDelayMs: 200, timeoutMs: 15_000 });
  const result = await connector.testConnection({ signal: AbortSignal.timeout(30_000) });
  const account = await services.prisma.marketplaceAccount.update({ where: { id }, data: { lastTestedAt: new Date(), lastTestOk: result.ok } });
  const checks = (result.checks ?? []).map((c) => ({ name: c.name, ok: c.ok, kind: c.kind ?? null, message: c.message ?? null }));
  if (result.ok) return { ok: true, kind: null, message: null, checks, account };
  // The contract says the message names the failed check; say it here when a connector's does not.
  const failed = checks.find((c) => !c.ok);
  const message = failed && !result.message.includes(failed.name) ? `${failed.name}: ${result.message}` : result.message;
  return { ok: false, kind: result.kind, message, checks, account };
}

export interface DeclaredAccount {
  name: string;
  channel: ConnectorAccount['channel'];
  fulfillment?: 'MAIN' | 'FBE' | null;
  baseUrl: string;
  credentials: Record<string, string>;
  rateLimits?: RateLimitOverrides | null;
  /** The options the declaration sets; merged over the stored ones (an admin's other options stay). */
  options?: Record<string, unknown>;
}

/** Creates or refreshes (by name) an account declared outside the API (environment, sandbox). */
export async function upsertDeclaredAccount(services: AppServices, declared: DeclaredAccount, source: AccountSource) {
  // Only what the declaration says is refreshed; enabled, conflictStrategy and the sync timeout and retries stay as an admin set them.
  const { credentials, rateLimits, options, conflictStrategy: _c, enabled: _e, syncTimeoutSeconds: _t, syncRetries: _r, ...input } = accountCreate.parse({ ...declared });
  await checkTarget(input.baseUrl, policy(services));
  const data = { ...input, credentialsEncrypted: services.cipher.encrypt(credentials), rateLimits: jsonOrNull(rateLimits), source };
  const stored = await services.prisma.marketplaceAccount.findUnique({ where: { name: input.name }, select: { options: true } });
  // Checked whole once more: the stored options merged with the declared ones must still be valid.
  const merged = stored ? accountCreate.parse({ ...declared, options: mergeOptions(stored.options, options) }).options : options;
  return services.prisma.marketplaceAccount.upsert({
    where: { name: input.name },
    create: { ...data, options: options as Prisma.InputJsonValue, conflictStrategy: defaultStrategy(input.channel) },
    update: { ...data, options: merged as Prisma.InputJsonValue },
  });
}
