/**
 * An import reports a bad row by its number, whatever is wrong with it (a number PostgreSQL cannot
 * store, a NUL character), and a damaged file or a non-file fails with a message users may read,
 * never "unexpectedly" (issue 12, finding 6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { snapshot } from '../helpers/production.js';
import { uploadImport, waitForTask } from '../tasks/task-helpers.js';

const HEADER = 'batchNumber,batchDate,taskDescription,shift,team,nomenclature,eknCode,shiftStart,shiftEnd,workCenterIdentifier,closed,closedAt';
const row = (n: number | string, over: Partial<Record<'task' | 'wc', string>> = {}) =>
  `${n},2027-03-01,${over.task ?? `Task ${n}`},Day,Team A,Water,EKN-1,2027-03-01T08:00:00.000Z,2027-03-01T16:00:00.000Z,${over.wc ?? 'WC-R'},false,`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.app.services.prisma.workCenter.create({ data: { identifier: 'WC-R', name: 'Line R' } });
});
afterAll(() => t?.close());

async function importFile(body: Uint8Array | string, filename: string, input: Record<string, unknown> = {}) {
  const started = await uploadImport(t, body, filename, input);
  expect(started.errors).toBeUndefined();
  expect(started.data.importBatches.errors).toEqual([]);
  return waitForTask(t, started.data.importBatches.task.id);
}

describe('import robustness', () => {
  it('reports a too-large number and NUL cells by row and imports the other rows', async () => {
    const file = [HEADER, row(1), row(99_999_999_999), row(3, { task: 'Bad\u0000task' }), row(4, { wc: 'WC\u0000R' }), row(5)].join('\n');
    const task = await importFile(file, 'nasty.csv');
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({ rows: 5, created: 2, failed: 3 });
    expect(task.result.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'batchNumber'],
      [4, 'taskDescription'],
      [5, 'workCenterIdentifier'],
    ]);
  });

  it('an atomic import with such a row imports nothing and says which row', async () => {
    const before = await snapshot(t);
    const task = await importFile([HEADER, row(11), row(2_147_483_648)].join('\n'), 'atomic.csv', { atomic: true });
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({ created: 0, failed: 1, errors: [expect.objectContaining({ row: 3, field: 'batchNumber' })] });
    expect(await snapshot(t)).toEqual(before);
  });

  it('an XLSX with a NUL character in a cell (malformed XML) fails saying why, and the service carries on', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Batches');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(row(21).split(','));
    sheet.addRow(row(22, { task: 'x__NUL__y' }).split(','));
    const zip = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    for (const name of Object.keys(zip.files)) {
      const xml = await zip.file(name)?.async('string');
      if (xml?.includes('__NUL__')) zip.file(name, xml.replace('__NUL__', '&#0;'));
    }
    const task = await importFile(await zip.generateAsync({ type: 'uint8array' }), 'nul.xlsx');
    // Which of exceljs's errors surfaces first varies (the malformed entity, or a workbook it could not finish).
    expect(task).toMatchObject({ status: 'FAILURE', error: expect.stringMatching(/^The file could not be read as XLSX: .+; nothing|^The file could not be read as XLSX: .+; batches of the rows/) });
    expect((await t.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('a damaged XLSX fails with a message that says so, not unexpectedly', async () => {
    const damaged = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 2000 }, (_, i) => (i * 37) % 256)]);
    const task = await importFile(damaged, 'damaged.xlsx');
    expect(task.status).toBe('FAILURE');
    expect(task.error).toMatch(/could not be read as XLSX/);
  });

  it('a string where the file goes is refused as bad input', async () => {
    const r = await t.gql('mutation($i: ImportBatchesInput!) { importBatches(input: $i) { task { id } errors { code } } }', { i: { file: 'not a file' } });
    expect(r.status).toBeLessThan(500);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const literal = await t.gql('mutation { importBatches(input: { file: "x" }) { task { id } } }');
    expect(literal.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('import file names', () => {
  it('a file name with a NUL is stored without it, not refused by the database', async () => {
    const started = await uploadImport(t, [HEADER, row(31)].join('\n'), 'bad\u0000name.csv');
    expect(started.errors).toBeUndefined();
    expect(started.data.importBatches.errors).toEqual([]);
    const task = await waitForTask(t, started.data.importBatches.task.id);
    expect(task.status).toBe('SUCCESS');
    const file = await t.app.services.prisma.storedFile.findUniqueOrThrow({ where: { id: task.result.fileId } });
    expect(file.filename).toBe('badname.csv');
  });
});
