import type { Role } from '../../generated/prisma/enums.js';

const rank: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** Roles are ordered: an ADMIN may do what an OPERATOR may, who may do what a VIEWER may. */
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && rank[role] >= rank[needed];
}
