import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { snapshot } from '../helpers/production.js';
import { batchFacts, download, exportBatches, seedBatches, uploadImport, waitForTask } from './task-helpers.js';

const WORK_CENTERS = ['WC-A', 'WC-B', 'WC-C'];

async function workCenters(t: TestApp) {
  const ids: string[] = [];
  for (const identifier of WORK_CENTERS) ids.push((await t.app.services.prisma.workCenter.create({ data: { identifier, name: `Line ${identifier}` } })).id);
  return ids;
}

describe('batch export and import', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    await seedBatches(a.app.services.prisma, 1000, await workCenters(a));
    await workCenters(b);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  async function exportFile(format: 'CSV' | 'XLSX', input: Record<string, unknown> = {}) {
    const started = await exportBatches(a, { format, ...input });
    expect(started.errors).toEqual([]);
    expect(started.task.status).toBe('PENDING');
    const task = await waitForTask(a, started.task.id);
    expect(task).toMatchObject({ status: 'SUCCESS', percent: 100, error: null });
    const res = await download(a, task.result.url);
    expect(res.status).toBe(200);
    return { task, res, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  for (const format of ['CSV', 'XLSX'] as const) {
    it(`round-trips 1,000 batches exactly through ${format}`, async () => {
      const { task, res, bytes } = await exportFile(format);
      expect(task.result).toMatchObject({ rows: 1000, format, fileId: task.files[0].id });
      expect(task.result.url).toBe(`${a.url}/files/${task.files[0].id}`);
      expect(task.progressCurrent).toBe(1000);
      expect(res.headers.get('content-type')).toBe(format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="batches-.*\\.${format.toLowerCase()}"`));

      const imported = await uploadImport(b, bytes, task.files[0].filename);
      expect(imported.data.importBatches.errors).toEqual([]);
      const done = await waitForTask(b, imported.data.importBatches.task.id);
      expect(done.status).toBe('SUCCESS');
      expect(done.result).toMatchObject({ rows: 1000, created: 1000, updated: 0, failed: 0, errors: [], format });
      expect(await batchFacts(b.app.services.prisma)).toEqual(await batchFacts(a.app.services.prisma));

      // Again with updateExisting: every row updates, nothing changes.
      const again = await uploadImport(b, bytes, task.files[0].filename, { updateExisting: true });
      const second = await waitForTask(b, again.data.importBatches.task.id);
      expect(second.result).toMatchObject({ created: 0, updated: 1000, failed: 0 });
      expect(await batchFacts(b.app.services.prisma)).toEqual(await batchFacts(a.app.services.prisma));
      await b.app.services.prisma.batch.deleteMany();
    });
  }

  it('exports with the batches filters and order, and the CSV neutralises formulas', async () => {
    const { task, bytes } = await exportFile('CSV', { filter: { closed: true, workCenterIdentifier: 'WC-A' }, orderBy: { field: 'BATCH_NUMBER', direction: 'DESC' } });
    const rows = parse(Buffer.from(bytes), { columns: true, bom: true }) as Record<string, string>[];
    const expected = await a.app.services.prisma.batch.findMany({ where: { closed: true, workCenter: { identifier: 'WC-A' } }, orderBy: { batchNumber: 'desc' } });
    expect(task.result.rows).toBe(expected.length);
    expect(rows.map((r) => Number(r.batchNumber))).toEqual(expected.map((b) => b.batchNumber));
    expect(Object.keys(rows[0]!)).toEqual(['id', 'batchNumber', 'batchDate', 'taskDescription', 'shift', 'team', 'nomenclature', 'eknCode', 'shiftStart', 'shiftEnd', 'workCenterIdentifier', 'workCenterName', 'closed', 'closedAt', 'unitCount', 'aggregatedUnitCount', 'createdAt', 'updatedAt']);
    expect(rows.every((r) => !/^[=+\-@]/.test(r.nomenclature!) && !/^[=+\-@]/.test(r.taskDescription!))).toBe(true);
    expect(rows.some((r) => r.nomenclature === `'=HYPERLINK("x")`)).toBe(true);
  });

  it('an XLSX export keeps numbers and booleans typed', async () => {
    const { bytes } = await exportFile('XLSX', { filter: { batchNumber: 3 } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(2).value).toBe(3);
    expect(sheet.getRow(2).getCell(13).value).toBe(true);
  });

  const HEADER = 'batchNumber,batchDate,taskDescription,shift,team,nomenclature,eknCode,shiftStart,shiftEnd,workCenterIdentifier,closed,closedAt';
  const good = (n: number) => `${n},2027-02-01,Task ${n},Day,Team A,Water,EKN-1,2027-02-01T08:00:00.000Z,2027-02-01T16:00:00.000Z,WC-A,false,`;
  const badFile = [
    HEADER,
    good(1), // row 2
    '2,2027-02-31,Task 2,Day,Team A,Water,EKN-1,2027-02-01T08:00:00.000Z,2027-02-01T16:00:00.000Z,WC-A,false,', // row 3: no such date
    good(3), // row 4
    '4,2027-02-01,Task 4,Day,Team A,Water,EKN-1,2027-02-01T08:00:00.000Z,2027-02-01T16:00:00.000Z,WC-NOPE,false,', // row 5: unknown work center
    '', // row 6: blank, skipped
    '5,2027-02-01,,Day,Team A,Water,EKN-1,2027-02-01T18:00:00.000Z,2027-02-01T16:00:00.000Z,WC-A,maybe,', // row 7: three problems
    good(1), // row 8: same number and date as row 2
    good(6), // row 9
  ].join('\n');

  it('reports each bad row by its row number and imports the good ones', async () => {
    const before = await snapshot(b);
    const started = await uploadImport(b, badFile, 'bad.csv');
    const task = await waitForTask(b, started.data.importBatches.task.id);
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({ rows: 7, created: 3, updated: 0, failed: 4 });
    expect(task.result.errors).toEqual([
      { row: 3, field: 'batchDate', message: 'batchDate is not a valid date: "2027-02-31"' },
      { row: 5, field: 'workCenterIdentifier', message: 'No work center with identifier "WC-NOPE"' },
      { row: 7, field: 'closed', message: 'closed must be true or false, got "maybe"' },
      { row: 7, field: 'taskDescription', message: 'taskDescription must not be empty' },
      { row: 7, field: 'shiftEnd', message: 'shiftEnd must be after shiftStart' },
      { row: 8, field: 'batchNumber', message: 'Batch number 1 for 2027-02-01 appears again (first on row 2)' },
    ]);
    expect((await snapshot(b)).batches).toBe(before.batches + 3);
    const made = await b.app.services.prisma.batch.findMany({ where: { batchDate: new Date('2027-02-01') }, orderBy: { batchNumber: 'asc' } });
    expect(made.map((m) => m.batchNumber)).toEqual([1, 3, 6]);

    // The same file again, not updating: the three now exist and are reported as such.
    const again = await waitForTask(b, (await uploadImport(b, badFile, 'bad.csv')).data.importBatches.task.id);
    expect(again.result).toMatchObject({ created: 0, failed: 7 });
    expect(again.result.errors.filter((e: any) => /already exists/.test(e.message)).map((e: any) => e.row)).toEqual([2, 4, 9]);
    await b.app.services.prisma.batch.deleteMany();
  });

  it('an atomic import with a bad row imports nothing; without bad rows, everything', async () => {
    const before = await snapshot(b);
    const task = await waitForTask(b, (await uploadImport(b, badFile, 'bad.csv', { atomic: true })).data.importBatches.task.id);
    expect(task.result).toMatchObject({ created: 0, updated: 0, failed: 4, atomic: true });
    expect(task.result.errors.map((e: any) => e.row)).toEqual([3, 5, 7, 7, 7, 8]);
    expect(await snapshot(b)).toEqual(before);

    const clean = [HEADER, good(11), good(12), good(13)].join('\r\n');
    const ok = await waitForTask(b, (await uploadImport(b, clean, 'clean.csv', { atomic: true })).data.importBatches.task.id);
    expect(ok.result).toMatchObject({ created: 3, failed: 0, errors: [] });
    await b.app.services.prisma.batch.deleteMany();
  });

  it('emits batch.import_completed', async () => {
    const events = b.app.services.events.subscribe(['batch.import_completed']);
    const next = events.next();
    const started = await uploadImport(b, [HEADER, good(21)].join('\n'), 'one.csv');
    const event = await next;
    await events.return(undefined);
    expect(event.value).toMatchObject({ type: 'batch.import_completed', payload: { taskId: started.data.importBatches.task.id, created: 1, updated: 0, failed: 0 } });
    await b.app.services.prisma.batch.deleteMany();
  });

  it('refuses a file over the upload limit with a typed error, storing and changing nothing', async () => {
    const before = await snapshot(b);
    const filesBefore = await b.app.services.prisma.storedFile.count();
    const tasksBefore = await b.app.services.prisma.backgroundTask.count();
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41);
    const r = await uploadImport(b, big, 'big.csv');
    expect(r.status).toBe(200);
    expect(r.data.importBatches).toEqual({ task: null, errors: [{ code: 'FILE_TOO_LARGE', message: 'The file is larger than the 10 MB upload limit; nothing was imported', field: ['input', 'file'] }] });
    expect(await snapshot(b)).toEqual(before);
    expect(await b.app.services.prisma.storedFile.count()).toBe(filesBefore);
    expect(await b.app.services.prisma.backgroundTask.count()).toBe(tasksBefore);
  });

  it('refuses empty, unreadable and mislabelled files', async () => {
    const empty = await uploadImport(b, '', 'empty.csv');
    expect(empty.data.importBatches.errors[0].code).toBe('EMPTY_FILE');
    const binary = await uploadImport(b, new Uint8Array([0, 1, 2, 3, 0]), 'blob');
    expect(binary.data.importBatches.errors[0]).toMatchObject({ code: 'UNSUPPORTED_FORMAT', field: ['input', 'format'] });
    const fake = await waitForTask(b, (await uploadImport(b, 'a,b\n1,2', 'fake.xlsx')).data.importBatches.task.id);
    expect(fake).toMatchObject({ status: 'FAILURE', error: expect.stringMatching(/not an XLSX file/) });
    const noColumns = await waitForTask(b, (await uploadImport(b, 'a,b\n1,2', 'x.csv')).data.importBatches.task.id);
    expect(noColumns).toMatchObject({ status: 'FAILURE', error: expect.stringMatching(/missing: batchNumber, batchDate/) });
  });

  it('needs OPERATOR to start transfers; a VIEWER may read the task', async () => {
    const viewer = await a.tokenFor('VIEWER');
    const refused = await a.gql(`mutation { exportBatches(input: { format: CSV }) { task { id } } }`, {}, viewer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const started = await exportBatches(a, { format: 'CSV' });
    const task = await waitForTask(a, started.task.id);
    const seen = (await a.gql(`query($id: ID!) { task(id: $id) { status result } }`, { id: task.id }, viewer)).data.task;
    expect(seen).toMatchObject({ status: 'SUCCESS', result: { rows: 1000 } });
  });
});
