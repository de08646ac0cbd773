import { listOrder, type ListOrderArg } from '../../db/order-by.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** The `workCenters` list filter. */
export interface WorkCenterFilter {
  identifier?: string | null;
  search?: string | null;
}

export function workCenterWhere(filter: WorkCenterFilter | null | undefined): Prisma.WorkCenterWhereInput {
  return {
    ...(filter?.identifier ? { identifier: filter.identifier } : {}),
    ...(filter?.search
      ? { OR: [{ identifier: { contains: filter.search, mode: 'insensitive' as const } }, { name: { contains: filter.search, mode: 'insensitive' as const } }] }
      : {}),
  };
}

/** Every work center column the list can be sorted by; ties are broken by id so pages never overlap. */
export const workCenterSortFields = {
  IDENTIFIER: 'identifier',
  NAME: 'name',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
} as const satisfies Record<string, keyof Prisma.WorkCenterOrderByWithRelationInput>;

export type WorkCenterSortField = keyof typeof workCenterSortFields;

/** By identifier when no order is asked for; an asked field sorts ASC unless told. */
export function workCenterListOrder(orderBy: ListOrderArg<WorkCenterSortField> | null | undefined): Prisma.WorkCenterOrderByWithRelationInput[] {
  return listOrder(workCenterSortFields, [], orderBy, { field: 'IDENTIFIER', direction: 'ASC' });
}
