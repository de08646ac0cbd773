import type { Role } from '../../generated/prisma/enums.js';

const rank: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** Every role, lowest first. */
export const ROLES = (Object.keys(rank) as Role[]).sort((a, b) => rank[a] - rank[b]);

/** Roles are ordered: an ADMIN may do what an OPERATOR may, who may do what a VIEWER may. */
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && rank[role] >= rank[needed];
}
