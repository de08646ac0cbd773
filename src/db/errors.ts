/**
 * True when Prisma reports a unique-constraint violation (a lost race against a concurrent insert):
 * P2002, or from a raw query P2010 carrying the adapter's UniqueConstraintViolation.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return e.code === 'P2002' || (e.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}

/**
 * True when PostgreSQL ended the transaction to resolve a conflict with another one: a deadlock
 * (40P01) or a serialization failure (40001). Prisma reports it as P2034 (TransactionWriteConflict),
 * or, from a raw query, as P2010 carrying the adapter's TransactionWriteConflict. Running the whole
 * transaction again is the documented answer; the other transaction has gone on.
 */
export function isTransactionConflict(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause, depth++) {
    if (e.code === 'P2034') return true;
    const cause = e.meta?.driverAdapterError?.cause ?? (e.name === 'DriverAdapterError' ? e.cause : undefined);
    if (cause?.kind === 'TransactionWriteConflict' || ['40001', '40P01'].includes(String(cause?.originalCode ?? ''))) return true;
  }
  return false;
}

/**
 * True when the database could not be reached or dropped the connection (an outage, a restart,
 * a failover), rather than refusing the statement itself: retrying later is the right answer.
 * SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention: shutdown,
 * terminated backend), 58 (system) and 55000 (database not accepting connections); Prisma's
 * P1xxx (cannot reach) and P2028 (transaction closed under it); the adapters' connection kinds;
 * socket errors; and pg's code-less errors of a dropped or closed connection. A serialization
 * conflict (40001, Prisma's TransactionWriteConflict) is the statement's own failure, not an outage.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^P1\d{3}$|^P2028$/.test(code)) return true;
    if (e.name === 'PrismaClientInitializationError' || e.name === 'PrismaClientRustPanicError') return true;
    if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND)$/.test(code)) return true;
    if (isSqlStateOutage(code)) return true;
    // pg rejects with no code at all when the socket ends or the client is no longer usable.
    if (!code && typeof e.message === 'string' && CONNECTION_LOST.test(e.message)) return true;
    const cause = e.meta?.driverAdapterError?.cause ?? (e.name === 'DriverAdapterError' ? e.cause : undefined);
    if (cause && typeof cause === 'object') {
      if (cause.kind && cause.kind !== 'postgres') {
        if (OUTAGE_KINDS.has(String(cause.kind))) return true;
      } else if (isSqlStateOutage(String(cause.code ?? cause.originalCode ?? ''))) return true;
      if (typeof cause.message === 'string' && !cause.code && CONNECTION_LOST.test(cause.message)) return true;
    }
  }
  return false;
}

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that mean the connection, not the statement, failed. */
const OUTAGE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionAlreadyClosed']);

/** pg's messages for a connection that dropped or can no longer be used (they carry no code). */
const CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$|is not queryable$|^timeout exceeded when trying to connect$/;

const isSqlStateOutage = (state: string) => /^(08|53|57|58)[0-9A-Z]{3}$/.test(state) || state === '55000';
