/** True when Prisma reports a unique-constraint violation (a lost race against a concurrent insert). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/**
 * True when the database could not be reached or dropped the connection (an outage, a restart,
 * a failover), rather than refusing the statement itself: retrying later is the right answer.
 * SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention: shutdown,
 * terminated backend), 58 (system) and 55000 (database not accepting connections); Prisma's
 * P1xxx (cannot reach) and P2028 (transaction closed under it); socket errors without a code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^P1\d{3}$|^P2028$/.test(e.code)) return true;
    if (e.name === 'PrismaClientInitializationError' || e.name === 'PrismaClientRustPanicError') return true;
    if (typeof e.code === 'string' && /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)$/.test(e.code)) return true;
    const cause = e.meta?.driverAdapterError?.cause ?? (e.name === 'DriverAdapterError' ? e.cause : undefined);
    if (cause && typeof cause === 'object') {
      if (cause.kind && cause.kind !== 'postgres') return /NotReachable|Closed|Timeout|Connection|WriteConflict/i.test(String(cause.kind));
      const state = String(cause.code ?? cause.originalCode ?? '');
      if (/^(08|53|57|58)/.test(state) || state === '55000') return true;
    }
  }
  return false;
}
