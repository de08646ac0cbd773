import { listOrder, type ListOrderArg } from '../../db/order-by.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** The `units` list filter. */
export interface UnitFilter {
  batchId?: string | null;
  code?: string | null;
  aggregated?: boolean | null;
}

export function unitWhere(filter: UnitFilter | null | undefined): Prisma.UnitWhereInput {
  return {
    ...(filter?.batchId != null ? { batchId: filter.batchId } : {}),
    ...(filter?.code ? { code: filter.code } : {}),
    ...(filter?.aggregated != null ? { aggregated: filter.aggregated } : {}),
  };
}

/** Every unit column the list can be sorted by; ties are broken by id so pages never overlap. */
export const unitSortFields = {
  CODE: 'code',
  CREATED_AT: 'createdAt',
  AGGREGATED: 'aggregated',
  AGGREGATED_AT: 'aggregatedAt',
} as const satisfies Record<string, keyof Prisma.UnitOrderByWithRelationInput>;

export type UnitSortField = keyof typeof unitSortFields;

/** Oldest first (by when added) when no order is asked for; an asked field sorts ASC unless told. */
export function unitListOrder(orderBy: ListOrderArg<UnitSortField> | null | undefined): Prisma.UnitOrderByWithRelationInput[] {
  return listOrder(unitSortFields, ['aggregatedAt'], orderBy, { field: 'CREATED_AT', direction: 'ASC' });
}
