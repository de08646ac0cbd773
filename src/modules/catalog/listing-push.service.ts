/**
 * Where a user's price or stock edit stands on its way to the marketplace: the newest push job of
 * each kind of a listing, read for a page of listings in one statement.
 */
import { Prisma, type PrismaClient, type PushKind } from '../../generated/prisma/client.js';

/** A push's state as a seller reads it. */
export type PushState = 'QUEUED' | 'RETRYING' | 'PUSHED' | 'FAILED' | 'SUPERSEDED';

export interface ListingPushRow {
  id: string;
  listingId: string;
  kind: PushKind;
  value: string;
  state: PushState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface JobRow {
  id: string;
  listingId: string;
  kind: PushKind;
  value: string;
  status: 'PENDING' | 'DONE' | 'FAILED' | 'SUPERSEDED';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A pending job that already failed an attempt is being retried; one that has not is queued. */
function pushStateOf(job: Pick<JobRow, 'status' | 'lastError'>): PushState {
  switch (job.status) {
    case 'PENDING':
      return job.lastError ? 'RETRYING' : 'QUEUED';
    case 'DONE':
      return 'PUSHED';
    default:
      return job.status;
  }
}

/** The newest push of each kind (PRICE first) per listing, in the order of `listingIds`. */
export async function latestPushesOf(prisma: PrismaClient, listingIds: readonly string[]): Promise<ListingPushRow[][]> {
  if (listingIds.length === 0) return [];
  const rows = await prisma.$queryRaw<JobRow[]>`
    SELECT DISTINCT ON ("listingId", kind)
           id::text AS id, "listingId"::text AS "listingId", kind::text AS kind, value, status::text AS status,
           attempts, "lastError", "nextAttemptAt", "createdAt", "finishedAt"
      FROM "PushJob"
     WHERE "listingId" IN (${Prisma.join(listingIds.map((id) => Prisma.sql`${id}::uuid`))})
     ORDER BY "listingId", kind, "createdAt" DESC, id DESC`;
  const byListing = new Map<string, ListingPushRow[]>();
  for (const job of rows) {
    const state = pushStateOf(job);
    const row: ListingPushRow = { ...job, state, nextAttemptAt: job.status === 'PENDING' ? job.nextAttemptAt : null };
    byListing.set(job.listingId, [...(byListing.get(job.listingId) ?? []), row]);
  }
  return listingIds.map((id) => byListing.get(id) ?? []);
}
