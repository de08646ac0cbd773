/**
 * Dates and times a request carries stay within years 1000–9999: PostgreSQL has no year 0 and
 * periods derived from an early date (orderStats' default 30 days before `to`) went below year 1,
 * an unhandled 22008 error (found by tests/fuzz/schema-fuzz.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter, snapshot } from '../helpers/production.js';
import { uploadImport, waitForTask } from '../tasks/task-helpers.js';

let t: TestApp;
let viewer: string;
beforeAll(async () => {
  t = await startTestApp();
  viewer = await t.tokenFor('VIEWER');
});
afterAll(() => t?.close());

const codes = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.map((e) => e.extensions?.code);

describe('date range', () => {
  it('refuses a DateTime or Date outside years 1000–9999 as bad input', async () => {
    for (const to of ['0001-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z']) {
      expect(codes(await t.gql('query($to: DateTime) { orderStats(to: $to) { count } }', { to }, viewer))).toEqual(['BAD_USER_INPUT']);
    }
    // A literal is checked at validation, with graphql-js's code for a bad value.
    expect(codes(await t.gql('{ orderStats(to: "0999-12-31T23:59:59Z") { count } }', undefined, viewer))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const wc = await createWorkCenter(t);
    const before = await snapshot(t);
    for (const batchDate of ['0000-01-01', '0999-12-31']) {
      const r = await t.gql('mutation($i: CreateBatchInput!) { createBatch(input: $i) { batch { id } errors { code } } }', { i: batchInput(wc.id, { batchDate }) });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await snapshot(t)).toEqual(before);
    expect((await createBatch(t, batchInput(wc.id, { batchDate: '1000-01-01', shiftStart: '9999-12-31T00:00:00Z', shiftEnd: '9999-12-31T23:59:59.999Z' }))).errors).toEqual([]);
  });

  it('an import reports a row with a year out of range by its number', async () => {
    await t.app.services.prisma.workCenter.create({ data: { identifier: 'WC-D', name: 'Line D' } });
    const HEADER = 'batchNumber,batchDate,taskDescription,shift,team,nomenclature,eknCode,shiftStart,shiftEnd,workCenterIdentifier,closed,closedAt';
    const row = (n: number, date: string, start: string) => `${n},${date},Task,Day,Team A,Water,EKN-1,${start},2027-03-01T16:00:00.000Z,WC-D,false,`;
    const file = [HEADER, row(1, '2027-03-01', '2027-03-01T08:00:00.000Z'), row(2, '0000-03-01', '2027-03-01T08:00:00.000Z'), row(3, '2027-03-01', '0000-03-01T08:00:00.000Z')].join('\n');
    const started = await uploadImport(t, file, 'years.csv');
    const task = await waitForTask(t, started.data.importBatches.task.id);
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({ created: 1, failed: 2 });
    expect(task.result.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'batchDate'],
      [4, 'shiftStart'],
    ]);
  });
});
