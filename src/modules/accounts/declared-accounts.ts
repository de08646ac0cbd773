import { ZodError } from 'zod';
import { channelRegistry, channels } from '../../connectors/channels.js';
import { ConfigError, type Env } from '../../env.js';
import { TargetRefused } from '../outbound/target-policy.js';
import type { AppServices } from '../../core/services.js';
import { startSandbox, type Sandbox } from '../../simulators/index.js';
import { upsertDeclaredAccount, type DeclaredAccount } from './account.service.js';

/**
 * The accounts the environment declares (the variables each channel names in its
 * connectors/<vendor>/channel.ts). A group given in part (a username without its password, a URL
 * without credentials) is a configuration error naming what is missing.
 */
export function declaredAccounts(env: Env): DeclaredAccount[] {
  const vars = env as unknown as Record<string, string | undefined>;
  const problems: string[] = [];
  const accounts: DeclaredAccount[] = [];
  for (const definition of channels.map((channel) => channelRegistry[channel])) {
    for (const spec of definition.declared) {
      const credentialVars = Object.values(spec.credentials);
      // Without a default host the URL is as required as the credentials.
      const required = definition.defaultBaseUrl ? credentialVars : [...credentialVars, spec.baseUrlEnv];
      const optionVars = Object.values(spec.options ?? {});
      const optional = [...(definition.defaultBaseUrl ? [spec.baseUrlEnv] : []), ...optionVars];
      const given = [...required, ...optional].filter((k) => vars[k] !== undefined);
      if (!given.length) continue;
      const missing = required.filter((k) => vars[k] === undefined);
      if (missing.length) {
        problems.push(`  ${missing.join(', ')}: required with ${given.join(', ')}`);
        continue;
      }
      const options = declaredOptions(spec.options ?? {}, env);
      const checked = definition.options.safeParse(options);
      if (!checked.success) {
        // Named by the variable that set the option (a zod path such as hosts.content is its option name).
        const variableOf = (path: PropertyKey[]) => spec.options?.[path.map(String).join('.')] ?? `${spec.name} options.${path.join('.')}`;
        problems.push(...checked.error.issues.map((i) => `  ${variableOf(i.path)}: ${i.message}`));
        continue;
      }
      accounts.push({
        name: spec.name,
        channel: definition.channel,
        ...(spec.fulfillment ? { fulfillment: spec.fulfillment } : {}),
        baseUrl: vars[spec.baseUrlEnv] ?? definition.defaultBaseUrl!,
        credentials: Object.fromEntries(Object.entries(spec.credentials).map(([field, name]) => [field, vars[name]!])),
        options,
      });
    }
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return accounts;
}

/** The options a declaration's variables set, nested by their dotted names (`hosts.content` → `{ hosts: { content } }`). */
function declaredOptions(names: Record<string, keyof Env>, env: Env) {
  const options: Record<string, unknown> = {};
  for (const [option, variable] of Object.entries(names)) {
    const value = env[variable];
    if (value === undefined) continue;
    const path = option.split('.');
    let target = options;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path.at(-1)!] = value;
  }
  return options;
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
