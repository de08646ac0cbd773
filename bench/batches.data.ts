/**
 * The batch page benchmark's data and query, shared by bench/batches.bench.ts and
 * bench/profile/batches.profile.ts: 500 batches over 10 work centers with 5 units each, and the
 * page Stockline is asked for.
 */
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../src/db/database.js';

export const WORK_CENTERS = 10;
export const BATCHES = 500;
export const UNITS_PER_BATCH = 5;
export const PAGE = 100;
export const UNITS_PAGE = 10;

export const STOCKLINE_QUERY = /* GraphQL */ `
  query BenchBatches {
    batches(first: ${PAGE}, orderBy: { field: BATCH_DATE, direction: DESC }) {
      totalCount
      edges {
        node {
          id
          batchNumber
          batchDate
          workCenter { identifier }
          units(first: ${UNITS_PAGE}) { totalCount edges { node { code } } }
        }
      }
    }
  }
`;

/** Migrates the (empty) database at `url` and seeds it. */
export async function migrateAndSeed(url: string): Promise<void> {
  const db = await openDatabase({ url, dataDir: 'memory://' });
  try {
    await db.migrate();
    const prisma = db.prisma;
    const workCenters = Array.from({ length: WORK_CENTERS }, (_, i) => ({
      id: randomUUID(),
      identifier: `WC-${String(i + 1).padStart(2, '0')}`,
      name: `Work center ${i + 1}`,
    }));
    await prisma.workCenter.createMany({ data: workCenters });

    // Five batches a day, numbered 1..5 within their day (batch number is unique per date).
    const perDay = 5;
    const firstDay = Date.UTC(2025, 0, 1);
    const batches = Array.from({ length: BATCHES }, (_, i) => {
      const day = new Date(firstDay + Math.floor(i / perDay) * 86_400_000);
      const shiftStart = new Date(day.getTime() + (6 + (i % perDay) * 3) * 3_600_000);
      return {
        id: randomUUID(),
        taskDescription: `Bench task ${i + 1}`,
        shift: `S${(i % 3) + 1}`,
        team: `Team ${(i % 7) + 1}`,
        batchNumber: (i % perDay) + 1,
        batchDate: day,
        nomenclature: `Product ${(i % 25) + 1}`,
        eknCode: `EKN-${String((i % 40) + 1).padStart(4, '0')}`,
        shiftStart,
        shiftEnd: new Date(shiftStart.getTime() + 8 * 3_600_000),
        workCenterId: workCenters[i % WORK_CENTERS]!.id,
        closed: i % 4 === 0,
        closedAt: i % 4 === 0 ? new Date(shiftStart.getTime() + 9 * 3_600_000) : null,
      };
    });
    await prisma.batch.createMany({ data: batches });

    const units = batches.flatMap((batch, b) =>
      Array.from({ length: UNITS_PER_BATCH }, (_, u) => ({
        id: randomUUID(),
        code: `U-${String(b + 1).padStart(4, '0')}-${u + 1}`,
        batchId: batch.id,
        createdAt: new Date(Date.UTC(2025, 0, 1) + (b * UNITS_PER_BATCH + u) * 1000),
        aggregated: u === 0,
        aggregatedAt: u === 0 ? new Date() : null,
      })),
    );
    await prisma.unit.createMany({ data: units });
    // Fresh tables: give the planner real statistics before measuring.
    await prisma.$executeRawUnsafe('ANALYZE "WorkCenter", "Batch", "Unit"');
  } finally {
    await db.close();
  }
}
