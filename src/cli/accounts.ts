/** Turns what an operator types (an account id, an account name, or a channel) into accounts. */
// The names only: the CLI talks to the API and needs none of the connectors.
import { channelNames as CHANNELS, type Channel } from '../connectors/channel-names.js';
import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { ACCOUNTS } from './operations.js';

export { channelNames as CHANNELS } from '../connectors/channel-names.js';

export interface AccountRef {
  id: string;
  name: string;
  channel: Channel;
  enabled: boolean;
}


interface AccountsPage {
  accounts: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: AccountRef }[] };
}

/** Every account, page by page (the API serves at most 100 at a time). */
export async function listAccounts(api: ApiClient): Promise<AccountRef[]> {
  const all: AccountRef[] = [];
  let after: string | null = null;
  do {
    const page: AccountsPage = await api.request<AccountsPage>(ACCOUNTS, { after });
    all.push(...page.accounts.edges.map((e) => e.node));
    after = page.accounts.pageInfo.hasNextPage ? page.accounts.pageInfo.endCursor : null;
  } while (after);
  return all;
}

/** One account by id or name (exact, then case-insensitive when that is unambiguous). */
export function findAccount(accounts: AccountRef[], ref: string): AccountRef | undefined {
  const exact = accounts.find((a) => a.id === ref) ?? accounts.find((a) => a.name === ref);
  if (exact) return exact;
  const folded = accounts.filter((a) => a.name.toLowerCase() === ref.toLowerCase());
  if (folded.length > 1) throw new CliError(`"${ref}" matches several accounts (${folded.map((a) => a.name).join(', ')}); use the exact name or the id.`);
  return folded[0];
}

export function channelOf(ref: string): Channel | undefined {
  return CHANNELS.find((c) => c === ref.toUpperCase());
}

/** The account `ref` names, or a usage error listing what exists. */
export async function resolveAccount(api: ApiClient, ref: string): Promise<AccountRef> {
  const accounts = await listAccounts(api);
  const account = findAccount(accounts, ref);
  if (!account) throw new CliError(noSuchAccount(ref, accounts));
  return account;
}

export function noSuchAccount(ref: string, accounts: AccountRef[]): string {
  const known = accounts.length ? accounts.map((a) => `${a.name} (${a.channel})`).join(', ') : 'none yet';
  return `No account with the id or name "${ref}". Accounts: ${known}.`;
}
