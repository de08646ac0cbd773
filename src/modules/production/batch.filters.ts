import { listOrder, type ListOrderArg } from '../../db/order-by.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** Batch list filters, shared by the `batches` query and (later) export. */
export interface BatchFilter {
  closed?: boolean | null;
  batchNumber?: number | null;
  batchDate?: Date | null;
  batchDateFrom?: Date | null;
  batchDateTo?: Date | null;
  workCenterId?: string | null;
  workCenterIdentifier?: string | null;
  shift?: string | null;
  team?: string | null;
  nomenclature?: string | null;
}

/** The `filter` argument of a batch list as a BatchFilter (GraphQL gives an ID as a string or a number). */
export function batchFilterOf(filter: (Omit<BatchFilter, 'workCenterId'> & { workCenterId?: string | number | null }) | null | undefined): BatchFilter | null {
  return filter ? { ...filter, workCenterId: filter.workCenterId == null ? null : String(filter.workCenterId) } : null;
}

export function batchWhere(filter: BatchFilter | null | undefined): Prisma.BatchWhereInput {
  if (!filter) return {};
  const where: Prisma.BatchWhereInput = {};
  if (filter.closed != null) where.closed = filter.closed;
  if (filter.batchNumber != null) where.batchNumber = filter.batchNumber;
  if (filter.batchDate) where.batchDate = filter.batchDate;
  else if (filter.batchDateFrom || filter.batchDateTo) {
    where.batchDate = { ...(filter.batchDateFrom ? { gte: filter.batchDateFrom } : {}), ...(filter.batchDateTo ? { lte: filter.batchDateTo } : {}) };
  }
  if (filter.workCenterId) where.workCenterId = filter.workCenterId;
  if (filter.workCenterIdentifier) where.workCenter = { identifier: filter.workCenterIdentifier };
  if (filter.shift) where.shift = filter.shift;
  if (filter.team) where.team = filter.team;
  if (filter.nomenclature) where.nomenclature = { contains: filter.nomenclature, mode: 'insensitive' };
  return where;
}

/** Every batch column a list can be sorted by; ties are broken by id so pages never overlap. */
export const batchSortFields = {
  BATCH_NUMBER: 'batchNumber',
  BATCH_DATE: 'batchDate',
  TASK_DESCRIPTION: 'taskDescription',
  SHIFT: 'shift',
  TEAM: 'team',
  NOMENCLATURE: 'nomenclature',
  EKN_CODE: 'eknCode',
  SHIFT_START: 'shiftStart',
  SHIFT_END: 'shiftEnd',
  CLOSED: 'closed',
  CLOSED_AT: 'closedAt',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
} as const satisfies Record<string, keyof Prisma.BatchOrderByWithRelationInput>;

export type BatchSortField = keyof typeof batchSortFields;

/** The order of a batch list or export: newest first when none is asked for; an asked field sorts ASC unless told. */
export function batchListOrder(orderBy: ListOrderArg<BatchSortField> | null | undefined): Prisma.BatchOrderByWithRelationInput[] {
  return listOrder(batchSortFields, ['closedAt'], orderBy, { field: 'CREATED_AT', direction: 'DESC' });
}
