import type { TestApp } from './app.js';
import { dataOf } from './app.js';

export const BATCH_FIELDS = 'id taskDescription shift team batchNumber batchDate nomenclature eknCode shiftStart shiftEnd closed closedAt workCenter { id identifier }';
export const ERRORS = 'errors { code message field }';

let seq = 0;
export async function createWorkCenter(t: TestApp, identifier = `WC-${++seq}-${Date.now()}`) {
  const r = dataOf(await t.gql(`mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { id identifier name } ${ERRORS} } }`, { i: { identifier, name: `Line ${identifier}` } }));
  if (r.createWorkCenter.errors.length) throw new Error(JSON.stringify(r.createWorkCenter.errors));
  return r.createWorkCenter.workCenter as { id: string; identifier: string };
}

let batchSeq = 0;
export function batchInput(workCenterId: string, overrides: Record<string, unknown> = {}) {
  return {
    taskDescription: 'Bottle 0.5 l, shift task',
    shift: 'Day',
    team: 'Team A',
    batchNumber: 10_000 + ++batchSeq,
    batchDate: '2026-11-20',
    nomenclature: 'Water 0.5',
    eknCode: 'EKN-001',
    shiftStart: '2026-11-20T08:00:00.000Z',
    shiftEnd: '2026-11-20T20:00:00.000Z',
    workCenterId,
    ...overrides,
  };
}

export async function createBatch(t: TestApp, input: Record<string, unknown>) {
  const r = dataOf(await t.gql(`mutation($i: CreateBatchInput!) { createBatch(input: $i) { batch { ${BATCH_FIELDS} } ${ERRORS} } }`, { i: input }));
  return r.createBatch as { batch: any; errors: { code: string; message: string; field: string[] | null }[] };
}

export async function mutate(t: TestApp, name: string, inputType: string, input: Record<string, unknown>, selection: string) {
  const r = dataOf(await t.gql(`mutation($i: ${inputType}!) { ${name}(input: $i) { ${selection} ${ERRORS} } }`, { i: input }));
  return r[name];
}

/** Row counts of every production table: a refused mutation must leave them all unchanged. */
export async function snapshot(t: TestApp) {
  const p = t.app.services.prisma;
  const [workCenters, batches, units, aggregated, closed] = await Promise.all([
    p.workCenter.count(),
    p.batch.count(),
    p.unit.count(),
    p.unit.count({ where: { aggregated: true } }),
    p.batch.count({ where: { closed: true } }),
  ]);
  return { workCenters, batches, units, aggregated, closed };
}
