import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { dataOf, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';

export const TASK_FIELDS = 'id kind status progressCurrent progressTotal percent result error attempts createdBy finishedAt expiresAt files { id filename contentType size url expiresAt }';
export const PAYLOAD = `task { ${TASK_FIELDS} } errors { code message field }`;

export async function taskOf(t: TestApp, id: string, token?: string) {
  return dataOf(await t.gql(`query($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`, { id }, token)).task;
}

/** Polls the task until SUCCESS or FAILURE. */
export function waitForTask(t: TestApp, id: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const task = await taskOf(t, id);
      return task && (task.status === 'SUCCESS' || task.status === 'FAILURE') ? task : null;
    },
    { timeoutMs, intervalMs: 50, what: `task ${id} to finish` },
  );
}

export async function exportBatches(t: TestApp, input: Record<string, unknown>, token?: string) {
  return dataOf(await t.gql(`mutation($i: ExportBatchesInput!) { exportBatches(input: $i) { ${PAYLOAD} } }`, { i: input }, token)).exportBatches;
}

export async function download(t: TestApp, url: string, token: string | null = t.adminToken) {
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** importBatches through a GraphQL multipart request (operations, map, then the file part). */
export async function uploadImport(t: TestApp, body: Uint8Array | string, filename: string, input: Record<string, unknown> = {}, token: string | null = t.adminToken, type = '') {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({
      query: `mutation($i: ImportBatchesInput!) { importBatches(input: $i) { ${PAYLOAD} } }`,
      variables: { i: { file: null, ...input } },
    }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.i.file'] }));
  form.set('0', new Blob([body as BlobPart], { type }), filename);
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) };
}

/** Batches with values that test a file format: commas, quotes, line breaks, non-Latin text, formula-like text. */
export async function seedBatches(prisma: PrismaClient, count: number, workCenterIds: string[], start = 1) {
  const tricky = ['plain', 'with, comma', 'with "quotes"', 'line\nbreak', 'Вода 0,5 л — ёжик', '=SUM(A1:A2)', "'=already quoted", '+49 123', '-minus', '@at', '  ', 'tab\tinside'];
  const rows = Array.from({ length: count }, (_, k) => {
    const i = start + k;
    const day = new Date(Date.UTC(2026, 0, 1 + (i % 300)));
    const shiftStart = new Date(day.getTime() + (6 + (i % 12)) * 3_600_000 + (i % 1000));
    const closed = i % 3 === 0;
    const word = tricky[i % tricky.length]!;
    return {
      taskDescription: `Task ${i} ${word.trim() ? word : 'blank'}`,
      shift: i % 2 ? 'Day' : 'Night',
      team: `Team ${String.fromCharCode(65 + (i % 5))}`,
      batchNumber: i,
      batchDate: day,
      nomenclature: i % 7 === 0 ? '=HYPERLINK("x")' : `Water ${i % 4}.5`,
      eknCode: String(i % 10).padStart(4, '0'),
      shiftStart,
      shiftEnd: new Date(shiftStart.getTime() + 8 * 3_600_000 + 123),
      workCenterId: workCenterIds[i % workCenterIds.length]!,
      closed,
      closedAt: closed ? new Date(shiftStart.getTime() + 9 * 3_600_000 + 7) : null,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await prisma.batch.createMany({ data: rows.slice(i, i + 1000) });
}

/** Every field a batch file carries, keyed by number and date, to compare two databases. */
export async function batchFacts(prisma: PrismaClient) {
  const batches = await prisma.batch.findMany({ include: { workCenter: { select: { identifier: true } } }, orderBy: [{ batchDate: 'asc' }, { batchNumber: 'asc' }] });
  return batches.map((b) => ({
    batchNumber: b.batchNumber,
    batchDate: b.batchDate.toISOString(),
    taskDescription: b.taskDescription,
    shift: b.shift,
    team: b.team,
    nomenclature: b.nomenclature,
    eknCode: b.eknCode,
    shiftStart: b.shiftStart.toISOString(),
    shiftEnd: b.shiftEnd.toISOString(),
    workCenter: b.workCenter.identifier,
    closed: b.closed,
    closedAt: b.closedAt?.toISOString() ?? null,
  }));
}
