import { ZodError } from 'zod';
import { ConfigError, type Env } from '../../env.js';
import { TargetRefused } from '../outbound/target-policy.js';
import type { AppServices } from '../../core/services.js';
import { startSandbox, type Sandbox } from '../../simulators/index.js';
import { upsertDeclaredAccount, type DeclaredAccount } from './account.service.js';

const EMAG_URL = 'https://marketplace-api.emag.ro/api-3';
const OZON_URL = 'https://api-seller.ozon.ru';

/**
 * The accounts the environment declares. A group given in part (a username without its password,
 * a URL without credentials) is a configuration error naming what is missing.
 */
export function declaredAccounts(env: Env): DeclaredAccount[] {
  const groups: { required: (keyof Env)[]; optional: (keyof Env)[]; build: () => DeclaredAccount }[] = [
    {
      required: ['EMAG_MAIN_USERNAME', 'EMAG_MAIN_PASSWORD'],
      optional: ['EMAG_MAIN_URL'],
      build: () => ({ name: 'eMAG MAIN', channel: 'EMAG', fulfillment: 'MAIN', baseUrl: env.EMAG_MAIN_URL ?? EMAG_URL, credentials: { username: env.EMAG_MAIN_USERNAME!, password: env.EMAG_MAIN_PASSWORD! } }),
    },
    {
      required: ['EMAG_FBE_USERNAME', 'EMAG_FBE_PASSWORD'],
      optional: ['EMAG_FBE_URL'],
      build: () => ({ name: 'eMAG FBE', channel: 'EMAG', fulfillment: 'FBE', baseUrl: env.EMAG_FBE_URL ?? EMAG_URL, credentials: { username: env.EMAG_FBE_USERNAME!, password: env.EMAG_FBE_PASSWORD! } }),
    },
    {
      required: ['OZON_CLIENT_ID', 'OZON_API_KEY'],
      optional: ['OZON_URL'],
      build: () => ({ name: 'Ozon', channel: 'OZON', baseUrl: env.OZON_URL ?? OZON_URL, credentials: { clientId: env.OZON_CLIENT_ID!, apiKey: env.OZON_API_KEY! } }),
    },
    {
      required: ['WB_TOKEN', 'WB_URL'],
      optional: [],
      build: () => ({ name: 'Wildberries', channel: 'WILDBERRIES', baseUrl: env.WB_URL!, credentials: { token: env.WB_TOKEN! } }),
    },
    {
      required: ['STOREFRONT_URL', 'STOREFRONT_TOKEN'],
      optional: [],
      build: () => ({ name: 'Storefront', channel: 'STOREFRONT', baseUrl: env.STOREFRONT_URL!, credentials: { token: env.STOREFRONT_TOKEN! } }),
    },
  ];
  const problems: string[] = [];
  const accounts: DeclaredAccount[] = [];
  for (const group of groups) {
    const given = [...group.required, ...group.optional].filter((k) => env[k] !== undefined);
    if (!given.length) continue;
    const missing = group.required.filter((k) => env[k] === undefined);
    if (missing.length) problems.push(`  ${missing.join(', ')}: required with ${given.join(', ')}`);
    else accounts.push(group.build());
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return accounts;
}

export interface DeclaredAccountsHandle {
  /** Names of the accounts upserted at start. */
  names: string[];
  /** The running sandbox, when one was started. */
  sandbox: Sandbox | null;
  stop(): Promise<void>;
}

/**
 * The sandbox is for a single-process try-out: its simulators live inside the process, so an api
 * instance never starts one (its accounts would point at a process that does not sync), and with a
 * shared PostgreSQL it is off unless asked for (each instance would re-point the accounts at its own).
 */
export function sandboxWanted(env: Env): boolean {
  if (env.ROLE === 'api') return false;
  return env.SANDBOX ?? (env.NODE_ENV !== 'test' && !env.DATABASE_URL);
}

/**
 * Upserts (by name) the accounts the environment declares, source 'env'. With none declared and
 * SANDBOX on (the default outside tests), starts the marketplace simulators and upserts their
 * accounts instead (source 'sandbox'), so a zero-configuration start has real accounts to sync.
 */
export async function syncDeclaredAccounts(services: AppServices, env: Env): Promise<DeclaredAccountsHandle> {
  const declared = declaredAccounts(env);
  let sandbox: Sandbox | null = null;
  let source: 'env' | 'sandbox' = 'env';
  let accounts = declared;
  if (!declared.length && sandboxWanted(env)) {
    sandbox = await startSandbox();
    source = 'sandbox';
    // The simulators run in this process, on loopback: exactly their origins are allowed, nothing else private.
    const allowPrivate = services.accountTargets?.allowPrivate ?? false;
    services.accountTargets = { allowPrivate, allowedOrigins: sandbox.accounts.map((a) => new URL(a.baseUrl).origin) };
    accounts = sandbox.accounts.map(({ name, channel, fulfillment, baseUrl, credentials, rateLimits }) => ({
      name,
      channel,
      fulfillment: fulfillment ?? null,
      baseUrl,
      credentials,
      rateLimits,
    }));
  }
  try {
    for (const account of accounts) {
      await upsertDeclaredAccount(services, account, source).catch((error: unknown) => {
        if (!(error instanceof TargetRefused)) throw error;
        throw new ConfigError(`Invalid configuration (declared accounts):\n  ${account.name}: baseUrl refused: ${error.message} (ACCOUNT_ALLOW_PRIVATE_TARGETS=true allows local marketplaces)`);
      });
    }
  } catch (error) {
    await sandbox?.stop();
    if (error instanceof ZodError) {
      throw new ConfigError(`Invalid configuration (declared accounts):\n${error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    }
    throw error;
  }
  const names = accounts.map((a) => a.name);
  if (names.length) services.logger.info({ accounts: names, source }, 'marketplace accounts declared');
  return { names, sandbox, stop: async () => void (await sandbox?.stop()) };
}
