import type { TestApp } from '../helpers/app.js';

let seq = 0;

/** A work center, a batch and `units` units (every `aggregateEvery`-th aggregated), written straight to the database. */
export async function seedReportBatch(
  t: TestApp,
  options: { units: number; aggregateEvery?: number; batchNumber?: number; workCenterName?: string; nomenclature?: string; closed?: boolean },
) {
  const prisma = t.app.services.prisma;
  const n = ++seq;
  const workCenter = await prisma.workCenter.create({ data: { identifier: `WC-REPORT-${n}-${Date.now()}`, name: options.workCenterName ?? `Filling line ${n}` } });
  const batch = await prisma.batch.create({
    data: {
      taskDescription: 'Bottle 0.5 l, shift task',
      shift: 'Day',
      team: 'Team A',
      batchNumber: options.batchNumber ?? 4700 + n,
      batchDate: new Date('2026-11-20'),
      nomenclature: options.nomenclature ?? 'Water 0.5',
      eknCode: 'EKN-001',
      shiftStart: new Date('2026-11-20T08:00:00Z'),
      shiftEnd: new Date('2026-11-20T20:00:00Z'),
      workCenterId: workCenter.id,
      closed: options.closed ?? false,
      closedAt: options.closed ? new Date('2026-11-20T20:05:00Z') : null,
    },
  });
  const every = options.aggregateEvery ?? 0;
  const codes = Array.from({ length: options.units }, (_, i) => `B${n}-UNIT-${String(i + 1).padStart(6, '0')}`);
  for (let i = 0; i < codes.length; i += 5000) {
    await prisma.unit.createMany({
      data: codes.slice(i, i + 5000).map((code, j) => {
        const aggregated = every > 0 && (i + j + 1) % every === 0;
        return { code, batchId: batch.id, aggregated, aggregatedAt: aggregated ? new Date('2026-11-20T12:00:00Z') : null };
      }),
    });
  }
  const aggregated = every > 0 ? Math.floor(options.units / every) : 0;
  return { workCenter, batch, codes, aggregated };
}

export async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
