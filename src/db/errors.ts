/** True when Prisma reports a unique-constraint violation (a lost race against a concurrent insert). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
