/**
 * What a batch report shows, read so that a batch of any size fits: the batch, its work center and
 * the unit totals are read at once (one row and one aggregate), the units are read lazily, a page
 * at a time by keyset on their (unique) code, as the renderer consumes them.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** Units read per statement while a report is written. */
export const DEFAULT_UNIT_PAGE_SIZE = 1000;

export interface BatchReportBatch {
  id: string;
  batchNumber: number;
  /** A calendar date (its UTC day). */
  batchDate: Date;
  taskDescription: string;
  shift: string;
  team: string;
  nomenclature: string;
  eknCode: string;
  shiftStart: Date;
  shiftEnd: Date;
  closed: boolean;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface BatchReportWorkCenter {
  id: string;
  identifier: string;
  name: string;
}

export interface BatchReportUnit {
  code: string;
  aggregated: boolean;
  aggregatedAt: Date | null;
  createdAt: Date;
}

export interface BatchReportTotals {
  units: number;
  aggregated: number;
  notAggregated: number;
}

export interface BatchReportData {
  batch: BatchReportBatch;
  workCenter: BatchReportWorkCenter;
  totals: BatchReportTotals;
  generatedAt: Date;
  /** The units in code order, page by page; read once. */
  units: AsyncIterable<BatchReportUnit[]> | Iterable<BatchReportUnit[]>;
}

export interface LoadBatchReportOptions {
  pageSize?: number;
  /** Stops reading units (the renderer then fails with the abort reason). */
  signal?: AbortSignal;
  /** Called after each page is read with the units read so far and the total. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  now?: () => Date;
}

/** The report's data for `batchId`, or null when there is no such batch. */
export async function loadBatchReport(
  prisma: PrismaClient,
  batchId: string,
  options: LoadBatchReportOptions = {},
): Promise<BatchReportData | null> {
  const pageSize = options.pageSize ?? DEFAULT_UNIT_PAGE_SIZE;
  const row = await prisma.batch.findUnique({ where: { id: batchId }, include: { workCenter: true } });
  if (!row) return null;
  const groups = await prisma.unit.groupBy({ by: ['aggregated'], where: { batchId }, _count: { _all: true } });
  const aggregated = groups.find((g) => g.aggregated)?._count._all ?? 0;
  const units = groups.reduce((n, g) => n + g._count._all, 0);
  const { workCenter, workCenterId: _wc, ...batch } = row;

  async function* pages(): AsyncGenerator<BatchReportUnit[]> {
    let after: string | null = null;
    let done = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const page: BatchReportUnit[] = await prisma.unit.findMany({
        where: { batchId, ...(after === null ? {} : { code: { gt: after } }) },
        orderBy: { code: 'asc' },
        take: pageSize,
        select: { code: true, aggregated: true, aggregatedAt: true, createdAt: true },
      });
      if (page.length === 0) return;
      done += page.length;
      after = page[page.length - 1]!.code;
      await options.onProgress?.(done, Math.max(units, done));
      yield page;
      if (page.length < pageSize) return;
    }
  }

  return {
    batch,
    workCenter: { id: workCenter.id, identifier: workCenter.identifier, name: workCenter.name },
    totals: { units, aggregated, notAggregated: units - aggregated },
    generatedAt: options.now?.() ?? new Date(),
    units: pages(),
  };
}

/** Aggregated share of the units, 0..1; null without units. */
export const aggregationShare = (totals: BatchReportTotals) => (totals.units === 0 ? null : totals.aggregated / totals.units);

/** `2026-11-20` (a DATE column is a UTC day). */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
/** `2026-11-20 08:00:00 UTC`. */
export const isoTime = (d: Date | null) => (d ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '');

/** Report file name: `batch-<number>-<date>.<ext>`. */
export const reportFilename = (batch: Pick<BatchReportBatch, 'batchNumber' | 'batchDate'>, ext: 'pdf' | 'xlsx') =>
  `batch-${batch.batchNumber}-${isoDay(batch.batchDate)}.${ext}`;

/** Bytes a renderer may have produced but not yet handed to its reader before it waits. */
export const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * Called by renderers between pages of units. First yields to the event loop (so compression,
 * nextTick-deferred writes and the reader get their turn: a loop over pages that only awaits
 * promises would starve them), then waits while `out` is over its high-water mark (the reader is
 * slower than the writer) or `pending()` reports more than MAX_PENDING_BYTES held upstream of
 * `out`. So a large report never piles up in memory. Returns false once `out` is closed or
 * destroyed: the caller stops reading units.
 */
export async function waitForReader(out: Writable, pending?: () => number): Promise<boolean> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  while (!out.destroyed && !out.writableEnded) {
    if (out.writableNeedDrain) {
      const ac = new AbortController();
      try {
        await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal })]);
      } catch {
        // an 'error' event, or the listener that lost the race being aborted: look again
      } finally {
        ac.abort();
      }
      continue;
    }
    if (pending && pending() > MAX_PENDING_BYTES) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
      continue;
    }
    return true;
  }
  return false;
}
