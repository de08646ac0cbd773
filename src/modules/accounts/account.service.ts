import type { z } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import { Prisma, type MarketplaceAccount } from '../../generated/prisma/client.js';
import { transact } from '../../db/transaction.js';
import { isUniqueViolation } from '../../db/errors.js';
import { type ConnectionResult, type ConnectorAccount, type RateLimitOverrides } from '../../connectors/index.js';
import { accountCreate, accountUpdate, byId, updateChecks } from './account.inputs.js';
import { accountError, accountNotFound, duplicateName } from './account.errors.js';
import { CredentialsDecryptError } from './credentials.crypto.js';
import { connectorFor } from './account-connector.js';
import { checkTarget, TargetRefused } from '../outbound/target-policy.js';

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

export async function createAccount(services: AppServices, actor: Actor, raw: z.input<typeof accountCreate>, source: AccountSource = 'api') {
  const { credentials, rateLimits, conflictStrategy, enabled, ...input } = accountCreate.parse(raw);
  await ensureBaseUrl(services, input.baseUrl);
  try {
    return await transact(services, actor.name, async (tx) => {
      if (await tx.marketplaceAccount.findUnique({ where: { name: input.name }, select: { id: true } })) throw duplicateName(input.name);
      return tx.marketplaceAccount.create({
        data: {
          ...input,
          credentialsEncrypted: services.cipher.encrypt(credentials),
          rateLimits: jsonOrNull(rateLimits),
          conflictStrategy: conflictStrategy ?? undefined,
          enabled: enabled ?? undefined,
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
  const { id, credentials: rawCredentials, rateLimits, ...patch } = accountUpdate.parse(raw);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined)) as Prisma.MarketplaceAccountUpdateInput;
  if (patch.baseUrl) await ensureBaseUrl(services, patch.baseUrl);
  try {
    return await transact(services, actor.name, async (tx) => {
      const current = await tx.marketplaceAccount.findUnique({ where: { id } });
      if (!current) throw accountNotFound(id);
      const credentials = updateChecks(current.channel).parse({ fulfillment: patch.fulfillment, credentials: rawCredentials });
      if (typeof changes.name === 'string' && changes.name !== current.name) {
        const other = await tx.marketplaceAccount.findUnique({ where: { name: changes.name }, select: { id: true } });
        if (other) throw duplicateName(changes.name);
      }
      return tx.marketplaceAccount.update({
        where: { id },
        data: {
          ...changes,
          ...(credentials ? { credentialsEncrypted: services.cipher.encrypt(credentials) } : {}),
          ...(rateLimits !== undefined ? { rateLimits: jsonOrNull(rateLimits) } : {}),
        },
      });
    });
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
  };
}

export interface ConnectionTest {
  ok: boolean;
  kind: Exclude<ConnectionResult, { ok: true }>['kind'] | null;
  message: string | null;
  account: MarketplaceAccount;
}

/** Signs in to the marketplace once, and records when and whether that worked. */
export async function testAccountConnection(services: AppServices, _actor: Actor, raw: z.input<typeof byId>): Promise<ConnectionTest> {
  const { id } = byId.parse(raw);
  const stored = await requireAccount(services, id);
  const connector = connectorFor(services, stored, { retries: 1, retryBaseDelayMs: 200, timeoutMs: 15_000 });
  const result = await connector.testConnection({ signal: AbortSignal.timeout(30_000) });
  const account = await services.prisma.marketplaceAccount.update({ where: { id }, data: { lastTestedAt: new Date(), lastTestOk: result.ok } });
  return result.ok ? { ok: true, kind: null, message: null, account } : { ok: false, kind: result.kind, message: result.message, account };
}

export interface DeclaredAccount {
  name: string;
  channel: ConnectorAccount['channel'];
  fulfillment?: 'MAIN' | 'FBE' | null;
  baseUrl: string;
  credentials: Record<string, string>;
  rateLimits?: RateLimitOverrides | null;
}

/** Creates or refreshes (by name) an account declared outside the API (environment, sandbox). */
export async function upsertDeclaredAccount(services: AppServices, declared: DeclaredAccount, source: AccountSource) {
  // Only what the declaration says is refreshed; enabled and conflictStrategy stay as an admin set them.
  const { credentials, rateLimits, conflictStrategy: _c, enabled: _e, ...input } = accountCreate.parse({ ...declared });
  await checkTarget(input.baseUrl, policy(services));
  const data = { ...input, credentialsEncrypted: services.cipher.encrypt(credentials), rateLimits: jsonOrNull(rateLimits), source };
  return services.prisma.marketplaceAccount.upsert({ where: { name: input.name }, create: data, update: data });
}
