import type { Channel, Prisma, SyncMode, SyncScope, SyncStatus } from '../../generated/prisma/client.js';
import { isUuid } from '../../core/ids.js';

/** An id that names no row: a malformed id filters to nothing rather than failing the query. */
export const NO_MATCH_ID = '00000000-0000-0000-0000-000000000000';

/** The runs filter, shared by `syncRuns` and the runs of `syncReport`. */
export interface SyncRunFilter {
  accountId?: string | number | null;
  channel?: Channel | null;
  status?: SyncStatus[] | null;
  mode?: SyncMode | null;
  scope?: SyncScope | null;
}

export function syncRunWhere(filter: SyncRunFilter | null | undefined): Prisma.SyncRunWhereInput {
  const where: Prisma.SyncRunWhereInput = {};
  if (filter?.accountId != null) where.accountId = isUuid(String(filter.accountId)) ? String(filter.accountId) : NO_MATCH_ID;
  if (filter?.channel) where.account = { channel: filter.channel };
  if (filter?.status?.length) where.status = { in: filter.status };
  if (filter?.mode) where.mode = filter.mode;
  if (filter?.scope) where.scope = filter.scope;
  return where;
}
